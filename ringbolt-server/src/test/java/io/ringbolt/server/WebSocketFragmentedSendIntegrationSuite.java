package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Blocking;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketClient;
import io.ringbolt.http.websocket.WebSocketHandler;
import io.ringbolt.http.websocket.WebSocketOptions;
import io.ringbolt.http.websocket.WebSocketUpgrade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ringbolt.server.RawWebSocket.BINARY;
import static io.ringbolt.server.RawWebSocket.CLOSE;
import static io.ringbolt.server.RawWebSocket.CONT;
import static io.ringbolt.server.RawWebSocket.PING;
import static io.ringbolt.server.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outgoing fragmented messages ({@link WebSocket#sendTextFragment}, {@link WebSocket#sendBinaryFragment})
 * on a real backend: the frames on the wire read with a raw socket (opcode, continuation, FIN,
 * a ping in between, RSV1 only on the first frame with permessage-deflate), the JDK's
 * {@code java.net.http.WebSocket} reassembling the message, the misuse rules
 * (IllegalStateException), back-pressure, and the client role against a raw server socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class WebSocketFragmentedSendIntegrationSuite {
    Engine engine;
    int port;

    abstract Backend backend();

    /** On "go": "one " + ping "p" + "two " + "three" as one text message of three frames. */
    static void sendThreeFragments(WebSocket ws) {
        check(ws.sendTextFragment("one ", false));
        check(ws.ping("p".getBytes(StandardCharsets.US_ASCII)));
        check(ws.sendTextFragment("two ✓ ", false));
        check(ws.sendTextFragment("three", true));
    }

    static void check(boolean sent) {
        if (!sent) {
            throw new AssertionError("send refused");
        }
    }

    /** Tries each misuse while a fragmented text message is open; reports the exceptions' messages after it. */
    static void misuse(WebSocket ws) {
        List<String> errors = new ArrayList<>();
        check(ws.sendTextFragment("a", false));
        try {
            ws.sendBinaryFragment(new byte[] {1}, 0, 1, false);
            errors.add("binary fragment accepted");
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
        }
        try {
            ws.sendText("whole");
            errors.add("whole text accepted");
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
        }
        try {
            ws.sendBinary(new byte[] {2});
            errors.add("whole binary accepted");
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
        }
        check(ws.sendTextFragment("b", true));
        check(ws.sendText(String.join("\n", errors)));  // allowed again once the message ended
    }

    @BeforeAll
    void start() throws IOException {
        WebSocketOptions quiet = WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ZERO);
        Router router = new Router();
        router.get("/frag", WebSocketUpgrade.of(quiet, (req, p) -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                switch (text) {
                    case "go" -> sendThreeFragments(ws);
                    case "go from a thread" -> Blocking.execute(() -> sendThreeFragments(ws));  // queued to the reactor
                    case "binary" -> {
                        check(ws.sendBinaryFragment(ByteBuffer.wrap(new byte[] {1, 2, 3}), false));
                        check(ws.sendBinaryFragment(new byte[] {9, 4, 5, 9}, 1, 2, false));
                        check(ws.sendBinaryFragment(ByteBuffer.allocate(0), true));
                    }
                    case "misuse" -> misuse(ws);
                    case "misuse from a thread" -> Blocking.execute(() -> misuse(ws));
                    default -> ws.sendText(text);
                }
            }
        }));
        router.get("/frag-flood", WebSocketUpgrade.of(quiet.withMaxOutboundBytes(1 << 20), (req, p) -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                byte[] chunk = new byte[64 * 1024];
                int sent = 0;
                while (sent < 10_000 && ws.sendBinaryFragment(chunk, 0, chunk.length, false)) { // nothing leaves meanwhile
                    sent++;
                }
                ws.close(1008, "refused after " + sent);
            }
        }));
        router.get("/echo", WebSocketUpgrade.of(quiet, (req, p) -> WebSocketIntegrationSuite.ECHO));
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(HttpServer.create(router)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = engine.port();
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static void assertThreeFragmentsWithPingBetween(RawWebSocket ws) throws IOException {
        RawWebSocket.Frame f = ws.read();
        assertThat(f.opcode()).isEqualTo(TEXT);
        assertThat(f.fin()).isFalse();
        assertThat(f.text()).isEqualTo("one ");
        f = ws.read();
        assertThat(f.opcode()).as("the ping between the fragments").isEqualTo(PING);
        assertThat(f.fin()).isTrue();
        assertThat(f.text()).isEqualTo("p");
        f = ws.read();
        assertThat(f.opcode()).isEqualTo(CONT);
        assertThat(f.fin()).isFalse();
        assertThat(f.text()).isEqualTo("two ✓ ");
        f = ws.read();
        assertThat(f.opcode()).isEqualTo(CONT);
        assertThat(f.fin()).isTrue();
        assertThat(f.rsv()).isZero();
        assertThat(f.text()).isEqualTo("three");
    }

    @Test
    void threeFragmentsWithAPingBetweenOnTheWire() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/frag", "")) {
            ws.sendText("go");
            assertThreeFragmentsWithPingBetween(ws);
            ws.sendText("go from a thread");
            assertThreeFragmentsWithPingBetween(ws);
            ws.sendText("after");  // the connection is fine afterwards
            assertThat(ws.read().text()).isEqualTo("after");
        }
    }

    @Test
    void binaryFragmentsEndWithAnEmptyFinalFrame() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/frag", "")) {
            ws.sendText("binary");
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(BINARY);
            assertThat(f.fin()).isFalse();
            assertThat(f.payload()).containsExactly(1, 2, 3);
            f = ws.read();
            assertThat(f.opcode()).isEqualTo(CONT);
            assertThat(f.fin()).isFalse();
            assertThat(f.payload()).containsExactly(4, 5);
            f = ws.read();
            assertThat(f.opcode()).isEqualTo(CONT);
            assertThat(f.fin()).isTrue();
            assertThat(f.payload()).isEmpty();
        }
    }

    @Test
    void withPermessageDeflateOnlyTheFirstFrameHasRsv1AndThePiecesInflateToTheMessage() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port, "/frag", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            for (int round = 0; round < 2; round++) { // the second message uses the context the first left
                ws.sendText("go");
                ByteArrayOutputStream compressed = new ByteArrayOutputStream();
                RawWebSocket.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(TEXT);
                assertThat(f.rsv()).as("RSV1 on the first frame").isEqualTo(4);
                assertThat(f.fin()).isFalse();
                compressed.writeBytes(f.payload());
                assertThat(ws.read().opcode()).isEqualTo(PING);
                for (boolean fin : new boolean[] {false, true}) {
                    f = ws.read();
                    assertThat(f.opcode()).isEqualTo(CONT);
                    assertThat(f.rsv()).as("no RSV1 on a continuation frame").isZero();
                    assertThat(f.fin()).isEqualTo(fin);
                    compressed.writeBytes(f.payload());
                }
                if (round == 0) {
                    assertThat(new String(RawWebSocket.inflate(compressed.toByteArray()), StandardCharsets.UTF_8))
                            .isEqualTo("one two ✓ three");
                }
            }
        }
    }

    @Test
    void misuseGetsAnIllegalStateExceptionAndTheMessageStaysIntact() throws IOException {
        for (String trigger : List.of("misuse", "misuse from a thread")) {
            try (RawWebSocket ws = RawWebSocket.open(port, "/frag", "")) {
                ws.sendText(trigger);
                RawWebSocket.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(TEXT);
                assertThat(f.fin()).isFalse();
                assertThat(f.text()).isEqualTo("a");
                f = ws.read();
                assertThat(f.opcode()).isEqualTo(CONT);
                assertThat(f.fin()).isTrue();
                assertThat(f.text()).isEqualTo("b");
                f = ws.read();
                assertThat(f.opcode()).isEqualTo(TEXT);
                assertThat(f.fin()).isTrue();
                assertThat(f.text().split("\n")).hasSize(3).allSatisfy(message ->
                        assertThat(message).contains("a fragmented text message is open"));
            }
        }
    }

    @Test
    void fragmentsRespectBackPressure() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/frag-flood", "")) {
            ws.sendText("flood");
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(BINARY);
            assertThat(f.fin()).isFalse();
            int frames = 1;
            while ((f = ws.read()).opcode() == CONT) {
                assertThat(f.fin()).isFalse();
                frames++;
            }
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(f.closeCode()).isEqualTo(1008);
            int sent = Integer.parseInt(f.text().substring(2).replace("refused after ", ""));
            assertThat(sent).as("refused long before 10000 fragments of 64 KiB").isLessThan(100).isEqualTo(frames);
        }
    }

    @Test
    void jdkClientReceivesTheWholeMessage() throws Exception {
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> pings = new LinkedBlockingQueue<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            java.net.http.WebSocket w = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/frag"),
                    new java.net.http.WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                messages.add(text.toString());
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onPing(java.net.http.WebSocket ws, ByteBuffer message) {
                            pings.add(StandardCharsets.US_ASCII.decode(message).toString());
                            ws.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            w.sendText("go", true).get();
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("one two ✓ three");
            assertThat(pings.poll(10, TimeUnit.SECONDS)).isEqualTo("p");
            w.sendText("go from a thread", true).get();
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("one two ✓ three");
            w.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }

    /** Python's {@code websockets} (Debian's python3-websockets) inflates and reassembles the fragmented messages. */
    @Test
    void pythonWebsocketsReassemblesCompressedFragments() throws Exception {
        String python = WebSocketIntegrationSuite.pythonWithWebsockets();
        String script = """
                import asyncio, sys, websockets
                async def main(port):
                    async with websockets.connect(f"ws://127.0.0.1:{port}/frag") as ws:
                        assert ws.response_headers.get("Sec-WebSocket-Extensions", "").startswith("permessage-deflate")
                        for i in range(3):
                            await ws.send("go")
                            got = await ws.recv()
                            assert got == "one two ✓ three", got
                        await ws.send("binary")
                        got = await ws.recv()
                        assert got == bytes([1, 2, 3, 4, 5]), got
                    print("ok")
                asyncio.run(main(int(sys.argv[1])))
                """;
        java.nio.file.Path file = java.nio.file.Files.createTempFile("ws-fragments", ".py");
        try {
            java.nio.file.Files.writeString(file, script);
            Processes.Result r = Processes.run(List.of(python, file.toString(), Integer.toString(port)), Duration.ofSeconds(40));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).contains("ok");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /**
     * Fragments sent from the test thread while the client's handler sends whole messages from
     * its reactor: a whole send finds the fragmented message open (IllegalStateException, which
     * the handler counts) or not (then it goes out, held back on the reactor if fragments are
     * still queued there); either way the frames never interleave, which the server checks.
     */
    @Test
    void fragmentsFromAThreadAndWholeMessagesFromTheReactorDoNotInterleave() throws Exception {
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try (Engine clients = Engine.builder().backend(backend()).reactors(1).start()) {
            WebSocket ws = WebSocketClient.of(clients).connect(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocketHandler() {
                @Override
                public void onText(WebSocket w, String text) {
                    messages.add(text);
                    if (text.startsWith("echo ")) {
                        try {
                            w.sendText("again " + text);  // whole, from the client's reactor, between the fragments
                        } catch (IllegalStateException fragmentedMessageOpen) {
                            refused.incrementAndGet();
                        }
                    }
                }

                @Override
                public void onClose(WebSocket w, int code, String reason) {
                    failed.complete(code + " " + reason);
                }
            }).get(10, TimeUnit.SECONDS);
            int rounds = 200;
            for (int i = 0; i < rounds; i++) {
                ws.sendText("echo " + i);
                check(ws.sendTextFragment("frag " + i + " a,", false));
                check(ws.sendTextFragment("b,", false));
                check(ws.sendTextFragment("c", true));
            }
            int fragmented = 0, echoes = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((fragmented < rounds || echoes < rounds - refused.get()) && System.nanoTime() < deadline) {
                String m = messages.poll(1, TimeUnit.SECONDS);
                assertThat(failed).as("the server failed the connection").isNotDone();
                if (m == null) {
                    continue;
                }
                if (m.startsWith("frag ")) {
                    assertThat(m).endsWith(" a,b,c");
                    fragmented++;
                } else if (m.startsWith("again echo ")) {
                    echoes++;
                }
            }
            assertThat(fragmented).isEqualTo(rounds);
            assertThat(echoes).isEqualTo(rounds - refused.get());
            ws.close();
        }
    }

    /** The client role against a raw server socket: masked frames, the same fragment rules. */
    @Test
    void clientSendsFragmentsMaskedWithAPingBetween() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Engine clients = Engine.builder().backend(backend()).reactors(1).start()) {
            CompletableFuture<WebSocket> connecting = WebSocketClient.of(clients).connect(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/raw"), new WebSocketHandler() { });
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String head = readHead(in);
                String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + WebSocketUpgrade.acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                WebSocket ws = connecting.get(10, TimeUnit.SECONDS);
                sendThreeFragments(ws);  // from the test thread: queued to the client's reactor
                Object[][] expected = {{TEXT, false, "one "}, {PING, true, "p"}, {CONT, false, "two ✓ "}, {CONT, true, "three"}};
                for (Object[] e : expected) {
                    RawWebSocket.Frame f = readMasked(in);
                    assertThat(f.opcode()).isEqualTo(e[0]);
                    assertThat(f.fin()).isEqualTo(e[1]);
                    assertThat(f.text()).isEqualTo(e[2]);
                }
                check(ws.sendTextFragment("x", false));
                try {
                    ws.sendBinary(new byte[] {1});
                    throw new AssertionError("whole message accepted while a fragmented one is open");
                } catch (IllegalStateException expectedError) {
                    assertThat(expectedError).hasMessageContaining("a fragmented text message is open");
                }
                check(ws.sendTextFragment("y", true));
                assertThat(readMasked(in).text()).isEqualTo("x");
                assertThat(readMasked(in).text()).isEqualTo("y");
            }
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in request head");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one client frame; fails unless it is masked. */
    static RawWebSocket.Frame readMasked(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new IOException("EOF");
        }
        assertThat(b1 & 0x80).as("client frame masked").isNotZero();
        int n = b1 & 0x7F;
        assertThat(n).as("short frames only here").isLessThan(126);
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(n);
        for (int i = 0; i < n; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new RawWebSocket.Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xF, payload);
    }
}
