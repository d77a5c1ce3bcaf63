package io.ringbolt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's {@code /chat.html} in a real headless Chromium, driven over the DevTools protocol
 * (its WebSocket, with the JDK's {@code java.net.http.WebSocket}): two pages open the chat, one
 * submits the form, the other shows the message. Chromium is installed with apt-get when
 * missing; the test is skipped only when that is impossible.
 */
@Timeout(120)
class ChatBrowserIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String chromium() throws Exception {
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            if (Processes.onPath(name)) {
                return name;
            }
        }
        Processes.require("chromium", "chromium");
        return "chromium";
    }

    /** One page's DevTools session: Runtime.evaluate and nothing else. */
    static final class Page implements WebSocket.Listener, AutoCloseable {
        final WebSocket ws;
        final AtomicInteger ids = new AtomicInteger();
        final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final StringBuilder partial = new StringBuilder();

        Page(HttpClient http, String debuggerUrl) throws Exception {
            ws = http.newWebSocketBuilder().buildAsync(URI.create(debuggerUrl), this).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(msg);
                    }
                } catch (Exception e) {
                    // an event we do not read
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        /** Evaluates {@code expression} in the page; its value as a string. */
        String eval(String expression) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            String cmd = JSON.writeValueAsString(Map.of("id", id, "method", "Runtime.evaluate",
                    "params", Map.of("expression", expression, "returnByValue", true)));
            ws.sendText(cmd, true).get(10, TimeUnit.SECONDS);
            JsonNode r = f.get(10, TimeUnit.SECONDS);
            return r.path("result").path("result").path("value").asText();
        }

        /** Polls {@code expression} until it is "true". */
        boolean until(String expression, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (eval(expression).equals("true")) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void twoBrowserPagesChat(Backend backend) throws Exception {
        String chromium = chromium();
        Engine engine;
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(2)
                    .handler(HttpServer.create(DemoApp.router(ArenaData.load(null), 1 << 20))).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend unavailable: " + e.getMessage());
            return;
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = new ProcessBuilder(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (engine) {
            String devtools = devToolsPort(browser);
            HttpClient http = HttpClient.newHttpClient();
            String page = "http://127.0.0.1:" + engine.port() + "/chat.html";
            try (Page alice = open(http, devtools, page); Page bob = open(http, devtools, page)) {
                String connected = "document.getElementById('status').textContent === 'connected'";
                assertThat(alice.until(connected, Duration.ofSeconds(20))).as("alice's page connected").isTrue();
                assertThat(bob.until(connected, Duration.ofSeconds(20))).as("bob's page connected").isTrue();
                alice.eval("document.getElementById('name').value = 'alice';"
                        + "document.getElementById('text').value = 'hello from a real browser ✓';"
                        + "document.getElementById('form').requestSubmit(); true");
                String shown = "document.getElementById('log').textContent.includes('alice: hello from a real browser ✓')";
                assertThat(bob.until(shown, Duration.ofSeconds(10))).as("bob's page shows alice's message").isTrue();
                assertThat(alice.until(shown, Duration.ofSeconds(10))).as("alice's page shows it too").isTrue();
            }
        } finally {
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Reads "DevTools listening on ws://127.0.0.1:PORT/..." from Chromium's stderr. */
    static String devToolsPort(Process browser) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            Pattern p = Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/");
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        Thread.ofVirtual().start(() -> drain(err));
                        return m.group(1);
                    }
                }
            } catch (Exception e) {
                // fall through
            }
            return null;
        });
        String found = port.get(30, TimeUnit.SECONDS);
        assertThat(found).as("Chromium printed its DevTools address").isNotNull();
        return found;
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // keep the pipe from filling
            }
        } catch (Exception e) {
            // the browser exited
        }
    }

    static Page open(HttpClient http, String devtoolsPort, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtoolsPort
                + "/json/new?" + url)).PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new Page(http, JSON.readTree(r.body()).get("webSocketDebuggerUrl").asText());
    }
}
