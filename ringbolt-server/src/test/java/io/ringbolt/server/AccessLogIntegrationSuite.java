package io.ringbolt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.AccessLog;
import io.ringbolt.http.AccessLogFormat;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log on a real backend over loopback: curl's HTTP/1.1 and HTTP/2 requests in both
 * formats (JSON lines parsed by Jackson), a stalled output (a FIFO nobody reads) that must not
 * slow the answers, and SIGHUP to a child {@code serve} process after a logrotate-style rename.
 * Subclasses pick the backend.
 */
@Timeout(120)
abstract class AccessLogIntegrationSuite {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    abstract Backend backend();

    Router router() {
        Router router = new Router();
        router.get("/hello", (req, res) -> res.send("hello\n"));
        router.post("/echo", (req, res) -> res.send(req.bodyBytes()));
        return router;
    }

    Engine start(Router router) {
        try {
            return Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(HttpServer.create(router)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
            throw e;
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
    }

    static Processes.Result curl(String... args) throws Exception {
        Processes.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}"));
        command.addAll(List.of(args));
        return Processes.run(command, Duration.ofSeconds(20));
    }

    @Test
    void getPost404AndHttp2AreLoggedWithTheirFieldsInBothFormats() throws Exception {
        Path jsonFile = dir.resolve("access.json");
        Path combinedFile = dir.resolve("access.log");
        Router router = router();
        try (AccessLog json = AccessLog.open(jsonFile.toString(), AccessLogFormat.JSON);
             AccessLog combined = AccessLog.open(combinedFile.toString(), AccessLogFormat.COMBINED);
             Engine engine = start(router.onComplete(json).onComplete(combined))) {
            String base = "http://127.0.0.1:" + engine.port();
            assertThat(curl("-A", "agent \"one\"", "-e", "http://from/", base + "/hello?q=1").stdout()).isEqualTo("200");
            assertThat(curl("-d", "hi there", base + "/echo").stdout()).isEqualTo("200");
            assertThat(curl(base + "/missing").stdout()).isEqualTo("404");
            assertThat(curl("--http2-prior-knowledge", "-A", "h2agent", base + "/hello").stdout()).isEqualTo("200");

            List<String> lines = awaitLines(jsonFile, 4);
            assertThat(lines).hasSize(4);
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : lines) {
                nodes.add(JSON.readTree(line));
            }
            JsonNode get = nodes.get(0);
            assertThat(get.get("remote").asText()).isEqualTo("127.0.0.1");
            assertThat(get.get("method").asText()).isEqualTo("GET");
            assertThat(get.get("target").asText()).isEqualTo("/hello?q=1");
            assertThat(get.get("protocol").asText()).isEqualTo("HTTP/1.1");
            assertThat(get.get("status").asInt()).isEqualTo(200);
            assertThat(get.get("bytes").asLong()).isGreaterThan("hello\n".length());
            assertThat(get.get("duration_us").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(get.get("referer").asText()).isEqualTo("http://from/");
            assertThat(get.get("user_agent").asText()).isEqualTo("agent \"one\"");
            assertThat(get.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

            JsonNode post = nodes.get(1);
            assertThat(post.get("method").asText()).isEqualTo("POST");
            assertThat(post.get("target").asText()).isEqualTo("/echo");
            assertThat(post.get("status").asInt()).isEqualTo(200);
            assertThat(post.get("referer").isNull()).isTrue();
            assertThat(post.get("user_agent").asText()).startsWith("curl/");

            JsonNode missing = nodes.get(2);
            assertThat(missing.get("target").asText()).isEqualTo("/missing");
            assertThat(missing.get("status").asInt()).isEqualTo(404);

            JsonNode h2 = nodes.get(3);
            assertThat(h2.get("protocol").asText()).isEqualTo("HTTP/2.0");
            assertThat(h2.get("method").asText()).isEqualTo("GET");
            assertThat(h2.get("target").asText()).isEqualTo("/hello");
            assertThat(h2.get("status").asInt()).isEqualTo(200);
            assertThat(h2.get("bytes").asLong()).isEqualTo("hello\n".length()); // HTTP/2: body bytes only
            assertThat(h2.get("user_agent").asText()).isEqualTo("h2agent");

            List<String> combinedLines = awaitLines(combinedFile, 4);
            String timePattern = "\\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}]";
            assertThat(combinedLines.get(0)).matches("127\\.0\\.0\\.1 - - " + timePattern
                    + " \"GET /hello\\?q=1 HTTP/1\\.1\" 200 " + get.get("bytes").asLong() + " \"http://from/\" \"agent \\\\\"one\\\\\"\"");
            assertThat(combinedLines.get(1)).contains("\"POST /echo HTTP/1.1\" 200 ").contains("\"-\" \"curl/");
            assertThat(combinedLines.get(2)).contains("\"GET /missing HTTP/1.1\" 404 ");
            assertThat(combinedLines.get(3)).endsWith("\"GET /hello HTTP/2.0\" 200 6 \"-\" \"h2agent\"");
            assertThat(json.droppedLines()).isZero();
        }
    }

    @Test
    void aStalledOutputDropsLinesAndAnswersKeepFlowing() throws Exception {
        Path fifo = dir.resolve("stalled.fifo");
        Processes.Result mk = Processes.run(List.of("mkfifo", fifo.toString()), Duration.ofSeconds(10));
        assertThat(mk.exitCode()).as("mkfifo: " + mk.stderr()).isZero();
        // Opened read-write, a FIFO needs no peer: the log finds a reader that never reads.
        try (RandomAccessFile neverRead = new RandomAccessFile(fifo.toFile(), "rw")) {
            AccessLog log = AccessLog.open(fifo.toString(), AccessLogFormat.COMBINED, 256);
            try (Engine engine = start(router().onComplete(log))) {
                int requests = 3_000; // 4 KiB lines: ~12 MB, far past the pipe's 64 KiB and the 256 queued lines
                String agent = "a".repeat(4096);
                long startNs = System.nanoTime();
                int answered = 0;
                try (Socket s = new Socket("127.0.0.1", engine.port())) {
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] request = ("GET /hello HTTP/1.1\r\nHost: t\r\nUser-Agent: " + agent + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    for (int i = 0; i < requests; i++) {
                        out.write(request);
                        out.flush();
                        assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ").endsWith("hello\n");
                        answered++;
                    }
                }
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertThat(answered).isEqualTo(requests);
                // Generous: loopback answers take well under 5 ms each even on a busy 2-core box;
                // a reactor blocked on the FIFO would never finish (the socket times out instead).
                assertThat(elapsedMs).as("time for %d requests", requests).isLessThan(60_000);
                assertThat(log.droppedLines()).isGreaterThan(0);
                assertThat(log.writtenLines() + log.droppedLines()).isLessThanOrEqualTo(requests);
            } finally {
                log.close(); // bounded: the writer stays blocked on the FIFO, a daemon thread
            }
        }
    }

    @Test
    void sighupReopensTheLogOfAChildServeAfterARename() throws Exception {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        Path stderr = dir.resolve("serve.err");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process serve = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", Integer.toString(port), "--reactors", "1",
                "--backend", backend().displayName(), "--access-log", file.toString(), "--access-log-format", "json")
                .redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        try {
            awaitTrue(() -> read(stderr).contains("listening on") || !serve.isAlive(), "serve to listen");
            if (!serve.isAlive() && read(stderr).contains("unavailable")) {
                Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + read(stderr));
            }
            assertThat(read(stderr)).contains("SIGHUP reopens it");
            String base = "http://127.0.0.1:" + port;
            assertThat(curl(base + "/before-rotation").stdout()).isEqualTo("404");
            awaitLines(file, 1);
            Files.move(file, rotated);
            Processes.Result kill = Processes.run(List.of("kill", "-HUP", Long.toString(serve.pid())), Duration.ofSeconds(10));
            assertThat(kill.exitCode()).isZero();
            // The reopen happens on the writer thread soon after the signal: poll until a line lands in the new file.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(file) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(file).as("a new file after SIGHUP").exists();
            assertThat(curl(base + "/after-rotation").stdout()).isEqualTo("404");
            List<String> fresh = awaitLines(file, 1);
            assertThat(fresh).hasSize(1);
            assertThat(JSON.readTree(fresh.getFirst()).get("target").asText()).isEqualTo("/after-rotation");
            assertThat(lines(rotated)).hasSize(1);
            assertThat(serve.isAlive()).as("SIGHUP must not stop the server").isTrue();
        } finally {
            serve.destroy();
            if (!serve.waitFor(10, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    /** Reads one response with a Content-Length body; returns head and body as text. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed mid-response after: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    static List<String> awaitLines(Path file, int count) throws Exception {
        awaitTrue(() -> lines(file).size() >= count, file + " to have " + count + " lines");
        return lines(file);
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
