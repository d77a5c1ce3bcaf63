package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
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
