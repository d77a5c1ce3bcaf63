package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketHandler;
import io.ringbolt.http.websocket.WebSocketOptions;
import io.ringbolt.http.websocket.WebSocketUpgrade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringbolt.server.RawWebSocket.BINARY;
import static io.ringbolt.server.RawWebSocket.CLOSE;
import static io.ringbolt.server.RawWebSocket.CONT;
import static io.ringbolt.server.RawWebSocket.PING;
import static io.ringbolt.server.RawWebSocket.PONG;
import static io.ringbolt.server.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket on a real backend over loopback: a frame-level suite over raw sockets written from
 * RFC 6455 and RFC 7692, laid out after the Autobahn testsuite's case list (1 framing, 2 pings,
 * 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close, 9 limits, 12/13
 * permessage-deflate), the handshake's answers, timeouts, back-pressure, and real clients:
 * the JDK's {@code java.net.http.WebSocket}, Python's {@code websockets} and Node's built-in
 * WebSocket. One server per backend for the suite; subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class WebSocketIntegrationSuite {
    static final int MAX_FRAME = 64 * 1024, MAX_MESSAGE = 256 * 1024;

    Engine engine;
    int port;
    final ChatRoom room = new ChatRoom();

    abstract Backend backend();

    static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    /** Streams messages: answers each with how it arrived ("pieces:text"). */
    static final class Streamer implements WebSocketHandler {
        final StringBuilder text = new StringBuilder();
        int pieces;
        long binaryBytes;

        @Override
        public boolean streamsMessages() {
            return true;
        }

        @Override
        public void onTextFragment(WebSocket ws, String piece, boolean last) {
            text.append(piece);
            if (!piece.isEmpty()) {
                pieces++;
            }
            if (last) {
                ws.sendText(pieces + ":" + text);
                text.setLength(0);
                pieces = 0;
            }
        }

        @Override
        public void onBinaryFragment(WebSocket ws, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                ws.sendText("binary:" + binaryBytes);
                binaryBytes = 0;
            }
        }
    }

    @BeforeAll
    void start() throws IOException {
        WebSocketOptions quiet = WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ZERO);
        Router router = new Router();
        router.get("/echo", WebSocketUpgrade.of(quiet.withLimits(MAX_FRAME, MAX_MESSAGE), (req, p) -> ECHO));
        router.get("/big", WebSocketUpgrade.of(quiet.withLimits(16L << 20, 16 << 20), (req, p) -> ECHO));
        router.get("/stream", WebSocketUpgrade.of(quiet.withLimits(MAX_FRAME, MAX_MESSAGE), (req, p) -> new Streamer()));
        router.get("/idle", WebSocketUpgrade.of(WebSocketOptions.defaults().withTimeouts(Duration.ofMillis(300), Duration.ZERO),
                (req, p) -> ECHO));
        router.get("/idle-deaf", WebSocketUpgrade.of(WebSocketOptions.defaults().withTimeouts(Duration.ofMillis(200), Duration.ZERO)
                .withCloseTimeout(Duration.ofMillis(300)), (req, p) -> ECHO));
        router.get("/threads", WebSocketUpgrade.of(quiet, (req, p) -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                int n = Integer.parseInt(text);
                io.ringbolt.engine.Blocking.execute(() -> { // sends from a virtual thread, not the reactor
                    for (int i = 0; i < n; i++) {
                        if (!ws.sendText("m" + i)) {
                            throw new AssertionError("send " + i + " refused");
                        }
                    }
                    ws.close(4000, "done from a virtual thread");
                });
            }
        }));
        router.get("/keepalive", WebSocketUpgrade.of(WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ofMillis(200)),
                (req, p) -> ECHO));
        router.get("/guarded", WebSocketUpgrade.of(quiet.withAllowedOrigins("http://good.example")
                .withSubprotocols("chat.v2", "chat.v1"), (req, p) -> new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.sendText("protocol=" + ws.subprotocol());
                    }
                }).orElse((req, res) -> res.send("plain GET\n")));
        router.get("/refuse", WebSocketUpgrade.of(quiet, (req, p) -> null));
        router.get("/flood", WebSocketUpgrade.of(quiet.withMaxOutboundBytes(1 << 20), (req, p) -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                byte[] chunk = new byte[64 * 1024];
                int sent = 0;
                while (sent < 10_000 && ws.sendBinary(chunk)) { // all in one callback: nothing leaves meanwhile
                    sent++;
                }
                ws.close(1008, "refused after " + sent);
            }
        }));
        router.get("/chat", WebSocketUpgrade.of(quiet, (req, p) -> room.join()));
        router.get("/blocking", WebSocketUpgrade.of(quiet, (req, p) -> {
            try {
                Thread.sleep(20); // a factory that looks something up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ECHO;
        })).blocking();
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(5)).handler(HttpServer.create(router)).start();
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

    RawWebSocket open(String path) throws IOException {
        return RawWebSocket.open(port, path, "");
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** The server fails the connection with {@code code} and then closes TCP. */
    static void assertFails(RawWebSocket ws, int code) throws IOException {
        assertThat(ws.expectClose()).isEqualTo(code);
        assertThat(ws.closedByServer()).as("TCP closed after the close frame").isTrue();
    }

    // ---- handshake ------------------------------------------------------------------------------

    @Test
    void handshakeAnswersWithTheAcceptKeyOfRfc6455Section1_3() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            assertThat(ws.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(ws.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(ws.header("Connection")).isEqualToIgnoringCase("Upgrade");
            assertThat(ws.header("Content-Length")).isNull();
            assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
        }
    }

    String handshakeStatus(String request) throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            ws.out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            return ws.readHead();
        }
    }

    @Test
    void versionOtherThan13Gets426WithTheSupportedVersion() throws IOException {
        String head = handshakeStatus(RawWebSocket.request("/echo", "").replace("Version: 13", "Version: 8"));
        assertThat(head).startsWith("HTTP/1.1 426 ").containsIgnoringCase("Sec-WebSocket-Version: 13");
    }

    @Test
    void malformedHandshakesGet400() throws IOException {
        String ok = RawWebSocket.request("/echo", "");
        assertThat(handshakeStatus(ok.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""))).startsWith("HTTP/1.1 400 ");
        assertThat(handshakeStatus(ok.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="))).startsWith("HTTP/1.1 400 ");
        assertThat(handshakeStatus(ok.replace("Connection: Upgrade", "Connection: keep-alive"))).startsWith("HTTP/1.1 400 ");
        assertThat(handshakeStatus(ok.replace("HTTP/1.1", "HTTP/1.0"))).startsWith("HTTP/1.1 400 ");
        assertThat(handshakeStatus(ok.replace("\r\n\r\n", "\r\nContent-Length: 2\r\n\r\nxx"))).startsWith("HTTP/1.1 400 ");
        assertThat(handshakeStatus(ok.replace("GET", "POST"))).startsWith("HTTP/1.1 405 ");
    }

    @Test
    void plainGetGets426OrTheFallback() throws IOException {
        assertThat(handshakeStatus("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 426 ").contains("Upgrade: websocket");
        assertThat(handshakeStatus("GET /guarded HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void originsOutsideTheListGet403AndSubprotocolFollowsServerPreference() throws IOException {
        String bad = RawWebSocket.request("/guarded", "Origin: http://evil.example\r\n");
        assertThat(handshakeStatus(bad)).startsWith("HTTP/1.1 403 ");
        try (RawWebSocket ws = RawWebSocket.open(port, "/guarded",
                "Origin: http://good.example\r\nSec-WebSocket-Protocol: chat.v1, chat.v2\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
            assertThat(ws.read().text()).isEqualTo("protocol=chat.v2");
        }
        try (RawWebSocket ws = RawWebSocket.open(port, "/guarded", "Sec-WebSocket-Protocol: other\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Protocol")).isNull();
            assertThat(ws.read().text()).isEqualTo("protocol=null");
        }
        assertThat(handshakeStatus(RawWebSocket.request("/refuse", ""))).startsWith("HTTP/1.1 403 ");
    }

    @Test
    void framesSentInTheSameSegmentAsTheRequestReachTheWebSocketSide() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(RawWebSocket.request("/echo", "").getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(ws.frame(true, 0, TEXT, utf8("first"), true));
            all.writeBytes(ws.frame(true, 0, BINARY, bytes(300, 1), true));
            ws.out.write(all.toByteArray());
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(ws.read().text()).isEqualTo("first");
            assertThat(ws.read().payload()).isEqualTo(bytes(300, 1));
        }
    }

    @Test
    void blockingRouteUpgradesFromAVirtualThread() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            ws.out.write(RawWebSocket.request("/blocking", "").getBytes(StandardCharsets.US_ASCII));
            ws.out.write(ws.frame(true, 0, TEXT, utf8("early"), true)); // kept while the factory runs
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(ws.read().text()).isEqualTo("early");
        }
    }

    // ---- 1: framing ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 128, 65535, 65536})
    void case1EchoesTextAndBinaryOfEveryLengthEncoding(int length) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            String text = "*".repeat(length);
            ws.sendText(text);
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(TEXT);
            assertThat(f.fin()).isTrue();
            assertThat(f.text()).isEqualTo(text);
            byte[] data = bytes(length, length);
            ws.send(BINARY, data);
            f = ws.read();
            assertThat(f.opcode()).isEqualTo(BINARY);
            assertThat(f.payload()).isEqualTo(data);
        }
    }

    @Test
    void case1ChoppedIntoSingleByteWritesStillParses() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.sendChopped(ws.frame(true, 0, TEXT, utf8("chopped ✓"), true));
            assertThat(ws.read().text()).isEqualTo("chopped ✓");
        }
    }

    @Test
    void unmaskedClientFrameFailsWith1002() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.out.write(ws.frame(true, 0, TEXT, utf8("no mask"), false));
            assertFails(ws, 1002);
        }
    }

    // ---- 2: pings and pongs ---------------------------------------------------------------------

    @Test
    void case2PingsGetPongsWithTheSamePayloadUnsolicitedPongsAreIgnored() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(PING, new byte[0]);
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(PONG);
            assertThat(f.payload()).isEmpty();
            byte[] p125 = bytes(125, 2);
            ws.send(PING, p125);
            assertThat(ws.read().payload()).isEqualTo(p125);
            ws.send(PONG, utf8("unsolicited"));
            for (int i = 0; i < 10; i++) {
                ws.send(PING, utf8("ping " + i));
            }
            for (int i = 0; i < 10; i++) {
                f = ws.read();
                assertThat(f.opcode()).isEqualTo(PONG);
                assertThat(f.text()).isEqualTo("ping " + i);
            }
            ws.sendChopped(ws.frame(true, 0, PING, utf8("chopped"), true));
            assertThat(ws.read().text()).isEqualTo("chopped");
        }
    }

    @Test
    void case2PingLongerThan125BytesFailsWith1002() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(PING, new byte[126]);
            assertFails(ws, 1002);
        }
    }

    // ---- 3: reserved bits, 4: opcodes ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void case3ReservedBitsWithoutAnExtensionFailWith1002(int rsv) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.sendText("before");
            ws.send(true, rsv, TEXT, utf8("reserved"));
            ws.sendText("after");
            assertThat(ws.read().text()).isEqualTo("before");
            assertFails(ws, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void case4ReservedOpcodesFailWith1002(int opcode) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.sendText("before");
            ws.send(opcode, utf8("x"));
            assertThat(ws.read().text()).isEqualTo("before");
            assertFails(ws, 1002);
        }
    }

    // ---- 5: fragmentation -----------------------------------------------------------------------------

    @Test
    void case5FragmentedMessagesWithPingsInBetweenAreReassembled() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(false, 0, TEXT, utf8("frag"));
            ws.send(PING, utf8("in between"));
            ws.send(false, 0, CONT, utf8("men"));
            ws.send(true, 0, CONT, utf8("ted"));
            RawWebSocket.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("in between");
            assertThat(ws.read().text()).isEqualTo("fragmented");
            for (int i = 0; i < 100; i++) {
                ws.send(i == 99, 0, i == 0 ? BINARY : CONT, new byte[] {(byte) i});
            }
            byte[] expected = new byte[100];
            for (int i = 0; i < 100; i++) {
                expected[i] = (byte) i;
            }
            assertThat(ws.read().payload()).isEqualTo(expected);
            ws.send(false, 0, TEXT, new byte[0]);
            ws.send(true, 0, CONT, new byte[0]);
            assertThat(ws.read().payload()).isEmpty();
        }
    }

    @Test
    void case5ContinuationWithoutAStartFailsWith1002() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(true, 0, CONT, utf8("orphan"));
            assertFails(ws, 1002);
        }
    }

    @Test
    void case5NewMessageInsideAFragmentedOneFailsWith1002() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(false, 0, TEXT, utf8("one"));
            ws.send(true, 0, TEXT, utf8("two"));
            assertFails(ws, 1002);
        }
    }

    @Test
    void case5FragmentedPingFailsWith1002() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(false, 0, PING, utf8("a"));
            ws.send(true, 0, CONT, utf8("b"));
            assertFails(ws, 1002);
        }
    }

    // ---- 6: UTF-8 -----------------------------------------------------------------------------------

    @Test
    void case6ValidUtf8IsEchoedEvenWhenCodePointsAreSplitAcrossFrames() throws IOException {
        String text = "κόσμε 𝄞 €uro ✓ \u0000 \uFFFF \uD83D\uDE00";
        byte[] b = utf8(text);
        try (RawWebSocket ws = open("/echo")) {
            ws.sendText(text);
            assertThat(ws.read().text()).isEqualTo(text);
            for (int i = 0; i < b.length; i++) {
                ws.send(i == b.length - 1, 0, i == 0 ? TEXT : CONT, new byte[] {b[i]});
            }
            assertThat(ws.read().text()).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ce bae1 bdb9 cf83 ceb5 eda080 65 6469 74 6564", // surrogate U+D800
            "c0af",            // overlong '/'
            "e080af",          // overlong, 3 bytes
            "f4908080",        // above U+10FFFF
            "fe", "ff",        // never valid
            "80",              // lone continuation
            "cebae1bdb9cf83ceb5f4908080656469746564",
            "edbfbf",          // surrogate U+DFFF
    })
    void case6InvalidUtf8FailsWith1007(String hex) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(TEXT, hex(hex));
            assertFails(ws, 1007);
        }
    }

    @Test
    void case6TextEndingInsideASequenceFailsWith1007() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(TEXT, hex("cebae1bdb9cf83ceb5e2")); // "κόσμε" + first byte of a 3-byte sequence
            assertFails(ws, 1007);
        }
    }

    @Test
    void case6InvalidSequenceSplitAcrossFragmentsFailsFastBeforeTheMessageEnds() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(false, 0, TEXT, hex("cebae1bdb9cf83ceb5f4"));
            ws.send(false, 0, CONT, hex("90")); // F4 90: above U+10FFFF, invalid at this byte
            // The message is not finished, yet the server fails it now (Autobahn 6.4.x).
            assertFails(ws, 1007);
        }
    }

    // ---- 7: close -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void case7ValidCloseCodesAreEchoedAndTcpCloses(int code) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.sendClose(code, utf8("bye ✓"));
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(f.closeCode()).isEqualTo(code);
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void case7InvalidCloseCodesFailWith1002(int code) throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.sendClose(code, new byte[0]);
            assertFails(ws, 1002);
        }
    }

    @Test
    void case7EmptyCloseIsAnsweredWithAnEmptyClose() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(CLOSE, new byte[0]);
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(f.payload()).isEmpty();
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void case7OneBytePayloadFailsWith1002AndInvalidReasonWith1007() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(CLOSE, new byte[] {3});
            assertFails(ws, 1002);
        }
        try (RawWebSocket ws = open("/echo")) {
            ws.send(CLOSE, hex("03e8 cebae1bdb9cf83ceb5eda080656469746564"));
            assertFails(ws, 1007);
        }
    }

    @Test
    void case7NothingIsEchoedAfterTheCloseFrame() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(ws.frame(true, 0, CLOSE, hex("03e8"), true));
            both.writeBytes(ws.frame(true, 0, TEXT, utf8("after close"), true));
            ws.out.write(both.toByteArray());
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    // ---- 9: limits -------------------------------------------------------------------------------------

    @Test
    void case9FrameLargerThanTheLimitFailsWith1009() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            ws.send(BINARY, new byte[MAX_FRAME + 1]);
            assertFails(ws, 1009);
        }
    }

    @Test
    void case9MessageLargerThanTheLimitFailsWith1009EvenInSmallFrames() throws IOException {
        try (RawWebSocket ws = open("/echo")) {
            int frames = MAX_MESSAGE / MAX_FRAME + 1;
            for (int i = 0; i < frames; i++) {
                ws.send(false, 0, i == 0 ? BINARY : CONT, new byte[MAX_FRAME]);
            }
            assertFails(ws, 1009);
        }
    }

    @Test
    void case9LargeMessagesInManyFramesAreEchoedWhole() throws IOException {
        try (RawWebSocket ws = open("/big")) {
            byte[] data = bytes(4 << 20, 9);
            int frame = 1 << 16;
            for (int off = 0; off < data.length; off += frame) {
                ws.send(off + frame >= data.length, 0, off == 0 ? BINARY : CONT, Arrays.copyOfRange(data, off, off + frame));
            }
            assertThat(ws.read().payload()).isEqualTo(data);
        }
    }

    // ---- streaming ---------------------------------------------------------------------------------

    @Test
    void streamingHandlerGetsPiecesCutAtCodePoints() throws IOException {
        try (RawWebSocket ws = open("/stream")) {
            byte[] b = utf8("a€b𝄞c");
            for (int i = 0; i < b.length; i++) {
                ws.send(i == b.length - 1, 0, i == 0 ? TEXT : CONT, new byte[] {b[i]});
            }
            String answer = ws.read().text();
            assertThat(answer).endsWith(":a€b𝄞c");
            ws.send(false, 0, BINARY, new byte[40_000]);
            ws.send(true, 0, CONT, new byte[2]);
            assertThat(ws.read().text()).isEqualTo("binary:40002");
            ws.send(false, 0, TEXT, hex("ce"));
            ws.send(true, 0, CONT, hex("ba"));
            assertThat(ws.read().text()).isEqualTo("1:κ"); // no piece with half a code point
        }
    }

    // ---- timers ------------------------------------------------------------------------------------

    @Test
    void idleConnectionIsClosedWith1001() throws IOException {
        // Timed from before the handshake: the server's idle timer starts at the upgrade, which
        // the client sees only after its handshake read returns (later on a loaded machine).
        long start = System.nanoTime();
        try (RawWebSocket ws = open("/idle")) {
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
            ws.send(CLOSE, f.payload());
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void aPeerThatNeverAnswersTheCloseIsDisconnectedAfterTheCloseTimeout() throws IOException {
        try (RawWebSocket ws = open("/idle-deaf")) {
            assertThat(ws.expectClose()).isEqualTo(1001);
            // No close frame from us: without the close timeout the server would wait forever
            // (its idle timer stops once it has sent its close), and this read would time out.
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void sendsAndCloseFromAnotherThreadArriveInOrder() throws IOException {
        try (RawWebSocket ws = open("/threads")) {
            ws.sendText("500");
            for (int i = 0; i < 500; i++) {
                assertThat(ws.read().text()).isEqualTo("m" + i);
            }
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(CLOSE);
            assertThat(f.closeCode()).isEqualTo(4000);
            assertThat(new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8)).isEqualTo("done from a virtual thread");
            ws.send(CLOSE, f.payload());
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void keepAlivePingsArriveAndPongsKeepTheConnection() throws IOException {
        try (RawWebSocket ws = open("/keepalive")) {
            for (int i = 0; i < 3; i++) {
                RawWebSocket.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(PING);
                ws.send(PONG, f.payload());
            }
            ws.sendText("still here");
            RawWebSocket.Frame f;
            do {
                f = ws.read();
            } while (f.opcode() == PING);
            assertThat(f.text()).isEqualTo("still here");
        }
    }

    // ---- back-pressure -----------------------------------------------------------------------------

    @Test
    void aPeerThatDoesNotReadPausesTheServerReadingItAndGetsEverythingLater() throws Exception {
        try (RawWebSocket ws = open("/big")) {
            byte[] message = bytes(64 * 1024, 5);
            byte[] frame = ws.frame(true, 0, BINARY, message, true);
            int count = 1024; // 64 MiB of echo, far beyond the socket buffers and the high water mark
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        ws.out.write(frame);
                        sent.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(1500);
            long before = sent.get();
            assertThat(before).as("the server stopped taking input while its output was stuck").isLessThan(count);
            for (int i = 0; i < count; i++) {
                RawWebSocket.Frame f = ws.read();
                assertThat(f.payload().length).isEqualTo(message.length);
                if (i == 0 || i == count - 1) {
                    assertThat(f.payload()).isEqualTo(message);
                }
            }
            writer.join(10_000);
            assertThat(sent.get()).isEqualTo(count);
        }
    }

    @Test
    void sendsAreRefusedBeyondMaxOutboundBytes() throws IOException {
        try (RawWebSocket ws = open("/flood")) {
            ws.sendText("go");
            int frames = 0;
            RawWebSocket.Frame f;
            while ((f = ws.read()).opcode() == BINARY) {
                frames++;
            }
            assertThat(f.opcode()).isEqualTo(CLOSE);
            String reason = new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
            assertThat(reason).isEqualTo("refused after " + frames);
            // 1 MiB of unsent output in 64 KiB messages: refused at the 17th or so, never near 10 000.
            assertThat(frames).isBetween(1, 20);
        }
    }

    // ---- permessage-deflate (Autobahn 12, 13) ---------------------------------------------------------

    @Test
    void deflateIsNegotiatedWithTheOfferedParameters() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        }
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo",
                "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Extensions"))
                    .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        }
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo",
                "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Extensions"))
                    .isEqualTo("permessage-deflate; server_no_context_takeover; server_max_window_bits=10");
            byte[] small = utf8("a".repeat(1000));
            ws.send(true, 4, TEXT, RawWebSocket.compress(small));
            RawWebSocket.Frame f = ws.read();
            assertThat(f.rsv()).isEqualTo(4);
            byte[] big = utf8("b".repeat(5000)); // above 2^10: the JDK cannot keep to the window, so it goes out plain
            ws.send(true, 4, TEXT, RawWebSocket.compress(big));
            f = ws.read();
            assertThat(f.rsv()).isZero();
            assertThat(f.payload()).isEqualTo(big);
        }
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo",
                "Sec-WebSocket-Extensions: permessage-deflate; bogus, permessage-deflate; server_max_window_bits=7, x-other\r\n")) {
            assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
        }
    }

    @Test
    void compressedMessagesAreInflatedAndTheEchoIsCompressed() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            for (int i = 0; i < 3; i++) { // context takeover across messages on both sides
                String text = "hello compressed world ".repeat(20) + i;
                ws.send(true, 4, TEXT, RawWebSocket.compress(utf8(text)));
                RawWebSocket.Frame f = ws.read();
                assertThat(f.rsv()).isEqualTo(4);
                assertThat(f.payload().length).isLessThan(utf8(text).length);
                if (i == 0) {
                    assertThat(new String(RawWebSocket.inflate(f.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
                }
            }
            ws.sendText("tiny"); // uncompressed message on a deflate connection
            RawWebSocket.Frame f = ws.read();
            assertThat(f.rsv()).isZero();
            assertThat(f.text()).isEqualTo("tiny");
            byte[] z = RawWebSocket.compress(utf8("fragmented and compressed ".repeat(10)));
            ws.send(false, 4, TEXT, Arrays.copyOfRange(z, 0, 5));
            ws.send(true, 0, CONT, Arrays.copyOfRange(z, 5, z.length));
            assertThat(ws.read().rsv()).isEqualTo(4);
        }
    }

    @Test
    void compressionBombFailsWith1009() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            byte[] bomb = RawWebSocket.compress(new byte[64 << 20]); // 64 MiB of zeros in ~64 KiB
            assertThat(bomb.length).isLessThan(MAX_FRAME);
            ws.send(true, 4, BINARY, bomb);
            assertFails(ws, 1009);
        }
    }

    @Test
    void rsv1OnAContinuationAndGarbageDeflateAreRefused() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            ws.send(false, 4, TEXT, RawWebSocket.compress(utf8("abc")));
            ws.send(true, 4, CONT, RawWebSocket.compress(utf8("def")));
            assertFails(ws, 1002);
        }
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            ws.send(true, 4, BINARY, hex("ffffffffffff"));
            assertFails(ws, 1007);
        }
    }

    // ---- chat ---------------------------------------------------------------------------------------

    @Test
    void chatBroadcastsEveryMessageToEveryPeer() throws Exception {
        int peers = 5;
        List<RawWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < peers; i++) {
                clients.add(open("/chat"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (room.size() < peers && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(room.size()).isEqualTo(peers);
            for (int i = 0; i < peers; i++) {
                clients.get(i).sendText("from " + i);
            }
            for (RawWebSocket c : clients) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < peers; i++) {
                    got.add(c.read().text());
                }
                assertThat(got).containsExactlyInAnyOrder("from 0", "from 1", "from 2", "from 3", "from 4");
            }
        } finally {
            for (RawWebSocket c : clients) {
                c.close();
            }
        }
    }

    // ---- real clients -------------------------------------------------------------------------------

    @Test
    void javaHttpClientEchoesFragmentsAndCloses() throws Exception {
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(java.net.http.WebSocket w, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                binary.writeBytes(b);
                if (last) {
                    received.add(binary.toByteArray());
                    binary.reset();
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(java.net.http.WebSocket w, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }
        };
        try (HttpClient client = HttpClient.newHttpClient()) {
            java.net.http.WebSocket w = client.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), listener).get(10, TimeUnit.SECONDS);
            w.sendText("hello from the JDK", true).get(10, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from the JDK");
            w.sendText("part one, ", false).get();
            w.sendText("part two", true).get();
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("part one, part two");
            byte[] data = bytes(60_000, 7); // one frame, under the route's 64 KiB frame limit
            w.sendBinary(ByteBuffer.wrap(data), true).get();
            assertThat((byte[]) received.poll(10, TimeUnit.SECONDS)).isEqualTo(data);
            w.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    /** The system Python with the {@code websockets} package (Debian's python3-websockets), installed when missing. */
    static String pythonWithWebsockets() throws Exception {
        String python = "/usr/bin/python3";
        if (!Files.isExecutable(Path.of(python))) {
            Assumptions.abort("no system python3 at " + python);
        }
        if (Processes.run(List.of(python, "-c", "import websockets"), Duration.ofSeconds(30)).exitCode() != 0) {
            Processes.run(List.of("sh", "-c", "(apt-get install -y -q python3-websockets || (apt-get update -q && "
                    + "apt-get install -y -q python3-websockets)) </dev/null"), Duration.ofMinutes(4));
            if (Processes.run(List.of(python, "-c", "import websockets"), Duration.ofSeconds(30)).exitCode() != 0) {
                Assumptions.abort("python3-websockets is not installed and apt-get could not install it");
            }
        }
        return python;
    }

    @Test
    void secureWebSocketOverTlsWithPython() throws Exception {
        String python = pythonWithWebsockets();
        Processes.require("openssl", "openssl");
        Path dir = Files.createTempDirectory("ringbolt-it-wss");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        Router router = new Router();
        router.get("/echo", WebSocketUpgrade.of((req, p) -> ECHO));
        var tls = io.ringbolt.engine.tls.TlsContext.fromPem(cert, key).withApplicationProtocols("http/1.1");
        Engine secure = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                .shutdownGrace(Duration.ofSeconds(2)).handler(tls.wrap(HttpServer.create(router))).start();
        try (secure) {
            String script = """
                    import asyncio, ssl, sys, websockets
                    async def main(port, cafile):
                        ctx = ssl.create_default_context(cafile=cafile)
                        async with websockets.connect(f"wss://127.0.0.1:{port}/echo", ssl=ctx) as ws:
                            for i in range(10):
                                await ws.send("secure " * 100 + str(i))
                                assert await ws.recv() == "secure " * 100 + str(i)
                            await ws.send(bytes(70000))
                            assert await ws.recv() == bytes(70000)
                        print("ok")
                    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
                    """;
            Path file = dir.resolve("wss.py");
            Files.writeString(file, script);
            Processes.Result r = Processes.run(List.of(python, file.toString(), Integer.toString(secure.port()), cert.toString()),
                    Duration.ofSeconds(40));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).contains("ok");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void pythonWebsocketsClientWithCompressionAndFragments() throws Exception {
        String python = pythonWithWebsockets();
        String script = """
                import asyncio, sys, websockets
                async def main(port):
                    uri = f"ws://127.0.0.1:{port}/echo"
                    async with websockets.connect(uri) as ws:
                        assert ws.response_headers.get("Sec-WebSocket-Extensions", "").startswith("permessage-deflate"), ws.response_headers
                        for i in range(20):
                            await ws.send("compressible text " * 50 + str(i))
                            assert await ws.recv() == "compressible text " * 50 + str(i)
                        await ws.send(bytes(range(256)) * 10)
                        assert await ws.recv() == bytes(range(256)) * 10
                        await ws.send(["frag ", "men", "ted ✓"])
                        assert await ws.recv() == "frag mented ✓"
                        await ws.close(code=1000, reason="bye")
                        assert ws.close_code == 1000, ws.close_code
                    async with websockets.connect(uri, compression=None) as ws:
                        await ws.send("plain")
                        assert await ws.recv() == "plain"
                        try:
                            await ws.send(b"x" * 300000)
                            await ws.recv()
                            raise SystemExit("expected 1009")
                        except websockets.ConnectionClosed as e:
                            assert e.rcvd.code == 1009, e
                    print("ok")
                asyncio.run(main(int(sys.argv[1])))
                """;
        Path file = Files.createTempFile("ws-client", ".py");
        try {
            Files.writeString(file, script);
            Processes.Result r = Processes.run(List.of(python, file.toString(), Integer.toString(port)), Duration.ofSeconds(40));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).contains("ok");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void nodeBuiltInWebSocketEchoes() throws Exception {
        if (!Processes.onPath("node")) {
            Assumptions.abort("node is not installed (the Node client case needs Node 20+, not installable offline here)");
        }
        String probe = Processes.run(List.of("node", "--experimental-websocket", "-e", "console.log(typeof WebSocket)"),
                Duration.ofSeconds(20)).stdout().trim();
        if (!probe.equals("function")) {
            Assumptions.abort("this node has no built-in WebSocket (" + probe + ")");
        }
        String script = """
                const ws = new WebSocket(`ws://127.0.0.1:${process.argv[2]}/echo`);
                const got = [];
                ws.binaryType = 'arraybuffer';
                ws.onopen = () => { ws.send('hello from node ✓'); ws.send(new Uint8Array([1, 2, 3])); };
                ws.onmessage = (e) => {
                  got.push(typeof e.data === 'string' ? e.data : Array.from(new Uint8Array(e.data)).join(','));
                  if (got.length === 2) ws.close(1000, 'done');
                };
                ws.onclose = (e) => { console.log(JSON.stringify({code: e.code, got})); process.exit(0); };
                ws.onerror = (e) => { console.log('error ' + e.message); process.exit(1); };
                setTimeout(() => { console.log('timeout'); process.exit(2); }, 15000);
                """;
        Path file = Files.createTempFile("ws-client", ".js");
        try {
            Files.writeString(file, script);
            Processes.Result r = Processes.run(List.of("node", "--experimental-websocket", file.toString(), Integer.toString(port)),
                    Duration.ofSeconds(30));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).contains("\"code\":1000").contains("hello from node ✓").contains("1,2,3");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void demoAppEchoesOnWsBroadcastsOnChatAndServesTheChatPage() throws Exception {
        Engine demo = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                .handler(HttpServer.create(DemoApp.router(ArenaData.load(null), 1 << 20))).start();
        try (demo) {
            try (RawWebSocket ws = RawWebSocket.open(demo.port(), "/ws", "")) {
                ws.sendText("echo ✓");
                RawWebSocket.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(TEXT);
                assertThat(f.text()).isEqualTo("echo ✓");
                ws.send(BINARY, bytes(1000, 3));
                f = ws.read();
                assertThat(f.opcode()).isEqualTo(BINARY);
                assertThat(f.payload()).isEqualTo(bytes(1000, 3));
            }
            List<java.net.http.WebSocket> clients = new ArrayList<>();
            List<LinkedBlockingQueue<String>> inboxes = new ArrayList<>();
            try (HttpClient http = HttpClient.newHttpClient()) {
                for (int i = 0; i < 4; i++) {
                    LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
                    inboxes.add(inbox);
                    clients.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + demo.port() + "/chat"),
                            new java.net.http.WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                                    inbox.add(data.toString());
                                    w.request(1);
                                    return null;
                                }
                            }).get(10, TimeUnit.SECONDS));
                }
                // Everyone is in the room once a message from the last one reaches the first.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String marker;
                do {
                    marker = "ready " + System.nanoTime();
                    clients.get(3).sendText(marker, true).get();
                } while (!marker.equals(inboxes.get(0).poll(200, TimeUnit.MILLISECONDS)) && System.nanoTime() < deadline);
                for (LinkedBlockingQueue<String> inbox : inboxes) {
                    inbox.clear();
                }
                Thread.sleep(300); // let late copies of the markers arrive and drop them too
                for (LinkedBlockingQueue<String> inbox : inboxes) {
                    inbox.clear();
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).sendText("hello from " + i, true).get();
                }
                for (LinkedBlockingQueue<String> inbox : inboxes) {
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < clients.size(); i++) {
                        got.add(inbox.poll(10, TimeUnit.SECONDS));
                    }
                    assertThat(got).containsExactlyInAnyOrder("hello from 0", "hello from 1", "hello from 2", "hello from 3");
                }
                for (java.net.http.WebSocket c : clients) {
                    c.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                }
                var page = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/chat.html")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(page.body()).contains("new WebSocket(").contains("/chat");
            }
        }
    }

    @Test
    void serverKeepsServingHttpAfterWebSocketFailures() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (RawWebSocket ws = open("/echo")) {
            ws.send(TEXT, hex("ff"));
            assertFails(ws, 1007);
            done.countDown();
        }
        assertThat(done.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(handshakeStatus("GET /guarded HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }
}
