package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.tls.TlsClient;
import io.ringbolt.engine.tls.TlsContext;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketClient;
import io.ringbolt.http.websocket.WebSocketHandler;
import io.ringbolt.http.websocket.WebSocketOptions;
import io.ringbolt.http.websocket.WebSocketUpgrade;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's WebSocket example, compiled and run on both backends: the echo answers and the
 * chat room broadcasts. The README must show exactly the lines compiled here (as
 * {@code io.ringbolt.engine.ReadmeSnippets} checks for ringbolt-core's sections; that helper
 * lives in core's test sources, which this module cannot see).
 */
@Timeout(60)
class WebSocketReadmeExampleIntegrationTest {

    /** An echo on /ws and a chat room on /chat: every message goes to every peer. */
    static Router webSocketRouter(Set<WebSocket> peers) {
        Router router = new Router();
        router.get("/ws", WebSocketUpgrade.of((request, subprotocol) -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);                                  // framed and staged at once
            }
        }));
        WebSocketHandler chat = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                peers.add(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                peers.forEach(peer -> peer.sendText(text));         // peers on other reactors too
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                peers.remove(ws);
            }
        };
        router.get("/chat", WebSocketUpgrade.of(WebSocketOptions.defaults()
                .withAllowedOrigins("https://chat.example")         // other browser origins get 403
                .withSubprotocols("chat.v2", "chat.v1")             // the first of these the client offers
                .withTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(30)),  // idle close, keep-alive ping
                (request, subprotocol) -> chat)).blocking();       // the factory may block (a session lookup)
        return router;
    }

    /** A client on the engine's outbound connections: the same WebSocket API, client role. */
    static CompletableFuture<WebSocket> openClient(Engine engine, int port, BlockingQueue<String> received) {
        WebSocketClient client = WebSocketClient.of(engine)
                .withOptions(WebSocketOptions.defaults().withSubprotocols("chat.v2"))  // offered; permessage-deflate too
                .withHandshakeTimeout(Duration.ofSeconds(5));
        return client.connect(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                received.add(text);                                 // on the client connection's reactor
            }
        });                                                         // completes after onOpen, or fails naming the cause
    }

    /** Sends lines as one text message in fragments, from a thread that may block (not a reactor). */
    static void streamLines(WebSocket ws, List<String> lines) throws InterruptedException {
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            while (!ws.sendTextFragment(lines.get(i) + "\n", last)) {   // false: back-pressure, nothing sent
                if (!ws.isOpen()) {
                    return;
                }
                Thread.sleep(10);                                    // or wait for onWritabilityChanged
            }
        }                                                           // ws.sendText meanwhile: IllegalStateException
    }

    /** wss:// with a private CA: the certificate must be issued for the URI's host. */
    static CompletableFuture<WebSocket> openSecureClient(Engine engine, int port, Path caPem, WebSocketHandler handler) {
        TlsClient tls = TlsClient.builder().trustPem(caPem).build();  // host name verified; without withTls: the JDK's CAs
        return WebSocketClient.of(engine).withTls(tls)
                .connect(URI.create("wss://127.0.0.1:" + port + "/ws"), handler);  // TLS failures fail the future
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NIO", "IO_URING"})
    void fragmentedSendsAndTheSecureClientWork(Backend backend) throws Exception {
        Processes.require("openssl", "openssl");
        Path dir = Files.createTempDirectory("ringbolt-readme-wss");
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        Engine engine;
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(2)
                    .handler(TlsContext.fromPem(cert, key).withApplicationProtocols("http/1.1")
                            .wrap(HttpServer.create(webSocketRouter(ConcurrentHashMap.newKeySet())))).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend unavailable: " + e.getMessage());
            return;
        }
        try (engine) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = openSecureClient(engine, engine.port(), cert, new WebSocketHandler() {
                @Override
                public void onText(WebSocket w, String text) {
                    received.add(text);
                }
            }).get(10, TimeUnit.SECONDS);
            streamLines(ws, List.of("first", "second", "third"));
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("first\nsecond\nthird\n");  // the echo, reassembled
            ws.close();
        } finally {
            for (Path f : List.of(cert, key, dir)) {
                Files.deleteIfExists(f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NIO", "IO_URING"})
    void echoAndChatWork(Backend backend) throws Exception {
        Set<WebSocket> peers = ConcurrentHashMap.newKeySet();
        Engine engine;
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(2)
                    .handler(HttpServer.create(webSocketRouter(peers))).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend unavailable: " + e.getMessage());
            return;
        }
        try (engine) {
            try (RawWebSocket ws = RawWebSocket.open(engine.port(), "/ws", "")) {
                ws.sendText("echo me");
                assertThat(ws.read().text()).isEqualTo("echo me");
            }
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket client = openClient(engine, engine.port(), received).get(10, TimeUnit.SECONDS);
            assertThat(client.isCompressed()).isTrue();
            client.sendText("echo me too");
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo me too");
            client.close();
            try (RawWebSocket a = RawWebSocket.open(engine.port(), "/chat", "Origin: https://chat.example\r\n"
                         + "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n");
                 RawWebSocket b = RawWebSocket.open(engine.port(), "/chat", "")) {
                assertThat(a.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (peers.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                a.sendText("hi all");
                assertThat(a.read().text()).isEqualTo("hi all");
                assertThat(b.read().text()).isEqualTo("hi all");
            }
            try (RawWebSocket evil = new RawWebSocket(engine.port())) {
                evil.out.write(RawWebSocket.request("/chat", "Origin: https://evil.example\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(evil.readHead()).startsWith("HTTP/1.1 403 ");
            }
        }
    }

    @Test
    void readmeShowsTheCodeThisTestCompiles() throws Exception {
        Set<String> compiled = Files.readAllLines(Path.of("src/test/java/io/ringbolt/server/WebSocketReadmeExampleIntegrationTest.java"))
                .stream().map(String::strip).collect(Collectors.toSet());
        List<String> shown = new ArrayList<>();
        boolean inSection = false, inCode = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## WebSocket");
            } else if (inSection && line.startsWith("```")) {
                inCode = line.equals("```java");
            } else if (inSection && inCode && !line.isBlank()) {
                shown.add(line.strip());
            }
        }
        assertThat(shown).as("README examples").isNotEmpty();
        assertThat(shown).allSatisfy(line -> assertThat(compiled).as("README line compiled here").contains(line));
    }
}
