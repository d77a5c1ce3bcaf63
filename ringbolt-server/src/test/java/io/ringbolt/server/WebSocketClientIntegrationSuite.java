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
import io.ringbolt.http.websocket.WebSocketHandshakeException;
import io.ringbolt.http.websocket.WebSocketOptions;
import io.ringbolt.http.websocket.WebSocketUpgrade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WebSocketClient} on a real backend over loopback: against our own server (echo of
 * text, binary, large and compressed messages, close codes both ways, ping/pong, limits,
 * subprotocols), against Python's {@code websockets} server (interop, fragmented and compressed
 * messages), and handshake failures from a raw socket server (wrong accept key, 404, 200,
 * a subprotocol not offered, an unoffered extension, a timeout). Subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class WebSocketClientIntegrationSuite {
    /** Raw test servers block on sockets: never on the common pool, which other helpers need. */
    static final java.util.concurrent.Executor OWN_THREAD = task -> Thread.ofVirtual().start(task);

    Engine server;
    Engine clientEngine;
    WebSocketClient client;
    int port;

    abstract Backend backend();

    /** Records every callback as a line: "text:...", "binary:n:hash", "pong:...", "close:code:reason". */
    static final class Recorder implements WebSocketHandler {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket ws, String text) {
            events.add("text:" + text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binaries.add(b);
            events.add("binary:" + b.length);
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            events.add("pong:" + StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("an event within 10 s").isNotNull();
            return e;
        }
    }

    static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            if (text.startsWith("close ")) {
                ws.close(Integer.parseInt(text.substring(6)), "asked to");
            } else {
                ws.sendText(text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    @BeforeAll
    void start() {
        WebSocketOptions quiet = WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ZERO);
        Router router = new Router();
        router.get("/echo", WebSocketUpgrade.of(quiet.withLimits(16L << 20, 16 << 20), (req, p) -> ECHO));
        router.get("/plain", WebSocketUpgrade.of(quiet.withCompression(false, -1, 64, false), (req, p) -> ECHO));
        router.get("/guarded", WebSocketUpgrade.of(quiet.withAllowedOrigins("http://good.example")
                .withSubprotocols("chat.v2", "chat.v1"), (req, p) -> new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.sendText("protocol=" + ws.subprotocol());
                    }
                }));
        router.get("/refuse", WebSocketUpgrade.of(quiet, (req, p) -> null));
        try {
            server = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(5)).handler(HttpServer.create(router)).start();
            clientEngine = Engine.builder().backend(backend()).reactors(1).shutdownGrace(Duration.ofSeconds(5)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = server.port();
        client = WebSocketClient.of(clientEngine).withOptions(WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ZERO))
                .withHandshakeTimeout(Duration.ofSeconds(5));
    }

    @AfterAll
    void stop() {
        if (clientEngine != null) {
            clientEngine.close();
        }
        if (server != null) {
            server.close();
        }
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    static WebSocket await(CompletableFuture<WebSocket> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void echoesTextBinaryAndLargeMessagesCompressed() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = await(client.connect(uri("/echo"), r));
        assertThat(ws.isCompressed()).as("permessage-deflate negotiated").isTrue();
        assertThat(ws.isOpen()).isTrue();
        ws.sendText("hello ✓");
        assertThat(r.next()).isEqualTo("text:hello ✓");
        byte[] small = bytes(300, 1);
        ws.sendBinary(small);
        assertThat(r.next()).isEqualTo("binary:300");
        assertThat(r.binaries.take()).isEqualTo(small);
        byte[] big = bytes(3 << 20, 2); // incompressible, 3 MiB: many reads on both sides
        ws.sendBinary(big);
        assertThat(r.next()).isEqualTo("binary:" + big.length);
        assertThat(r.binaries.take()).isEqualTo(big);
        String text = "compressible text ".repeat(50_000);
        ws.sendText(text);
        assertThat(r.next()).isEqualTo("text:" + text);
        ws.close(1000, "done");
        assertThat(r.next()).isEqualTo("close:1000:done");
        assertThat(ws.isOpen()).isFalse();
    }

    @Test
    void withoutCompressionOrWhenTheServerDeclinesTheMessagesGoPlain() throws Exception {
        Recorder r = new Recorder();
        WebSocket declined = await(client.connect(uri("/plain"), r));
        assertThat(declined.isCompressed()).isFalse();
        declined.sendText("x".repeat(1000));
        assertThat(r.next()).isEqualTo("text:" + "x".repeat(1000));
        declined.close();
        assertThat(r.next()).isEqualTo("close:1000:");

        Recorder r2 = new Recorder();
        WebSocket off = await(client.withOptions(WebSocketOptions.defaults().withCompression(false, -1, 64, false))
                .connect(uri("/echo"), r2));
        assertThat(off.isCompressed()).isFalse();
        off.sendText("y".repeat(1000));
        assertThat(r2.next()).isEqualTo("text:" + "y".repeat(1000));
        off.close();
    }

    @Test
    void closeCodesBothWaysAndPingPong() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = await(client.connect(uri("/echo"), r));
        ws.ping("are you there".getBytes(StandardCharsets.UTF_8));
        assertThat(r.next()).isEqualTo("pong:are you there");
        ws.sendText("close 4001"); // the server starts the close handshake
        assertThat(r.next()).isEqualTo("close:4001:asked to");

        Recorder r2 = new Recorder();
        WebSocket ws2 = await(client.connect(uri("/echo"), r2));
        ws2.close(4002, "client says bye");
        assertThat(r2.next()).isEqualTo("close:4002:client says bye"); // the server echoes the code
        assertThat(ws2.sendText("late")).as("no send after close").isFalse();
    }

    @Test
    void aMessageAboveTheClientsLimitFailsTheConnectionWith1009() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = await(client.withOptions(WebSocketOptions.defaults().withLimits(4096, 4096))
                .connect(uri("/echo"), r));
        ws.sendText("z".repeat(4000));
        assertThat(r.next()).isEqualTo("text:" + "z".repeat(4000));
        ws.sendBinary(bytes(10_000, 3)); // the server echoes it; the client refuses it
        assertThat(r.next()).startsWith("close:1009");
    }

    @Test
    void offersSubprotocolsAndSendsExtraHeaders() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = await(client.withOptions(WebSocketOptions.defaults().withSubprotocols("chat.v1", "chat.v3"))
                .withHeader("Origin", "http://good.example").connect(uri("/guarded"), r));
        assertThat(ws.subprotocol()).isEqualTo("chat.v1");
        assertThat(r.next()).isEqualTo("text:protocol=chat.v1");
        ws.close();

        assertThatThrownBy(() -> await(client.withHeader("Origin", "http://evil.example").connect(uri("/guarded"), new Recorder())))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .hasMessageContaining("403");
    }

    @Test
    void refusedAndMissingEndpointsFailTheFutureWithTheStatus() throws Exception {
        for (String path : List.of("/refuse", "/nowhere")) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(client.connect(uri(path), new Recorder())));
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            int expected = path.equals("/refuse") ? 403 : 404;
            assertThat(((WebSocketHandshakeException) e.getCause()).status()).isEqualTo(expected);
            assertThat(e.getCause().getMessage()).contains("answered HTTP/1.1 " + expected).contains("instead of 101");
        }
    }

    @Test
    void aConnectionRefusedFailsTheFuture() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        assertThatThrownBy(() -> await(client.connect(URI.create("ws://127.0.0.1:" + free + "/"), new Recorder())))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("connect");
    }

    /** A one-shot raw server that answers the handshake with whatever {@code answer} makes of the key. */
    String failWithRawAnswer(Function<String, String> answer) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = ss.accept()) {
                    s.setSoTimeout(5000); // a client that does not give up must not hang the suite
                    String head = readHead(s.getInputStream());
                    String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
                    String reply = answer.apply(key);
                    if (reply != null) {
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                    }
                    s.getInputStream().read(); // until the client gives up
                } catch (IOException e) {
                    // the client aborted: expected
                }
            }, OWN_THREAD);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.withHandshakeTimeout(Duration.ofMillis(800))
                            .withOptions(WebSocketOptions.defaults().withSubprotocols("a.v1"))
                            .connect(URI.create("ws://127.0.0.1:" + ss.getLocalPort() + "/x"), new Recorder())
                            .get(10, TimeUnit.SECONDS));
            served.get(10, TimeUnit.SECONDS);
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return e.getCause().getMessage();
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    static String upgradeAnswer(String accept, String extra) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n" + extra + "\r\n";
    }

    @Test
    void handshakeFailuresNameTheCause() throws Exception {
        assertThat(failWithRawAnswer(key -> upgradeAnswer(WebSocketUpgrade.acceptKey(key + "x"), "")))
                .contains("wrong Sec-WebSocket-Accept");
        assertThat(failWithRawAnswer(key -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .contains("answered HTTP/1.1 200 OK instead of 101");
        assertThat(failWithRawAnswer(key -> upgradeAnswer(WebSocketUpgrade.acceptKey(key), "Sec-WebSocket-Protocol: b.v9\r\n")))
                .contains("subprotocol [b.v9], which was not offered");
        assertThat(failWithRawAnswer(key -> upgradeAnswer(WebSocketUpgrade.acceptKey(key),
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n")))
                .contains("invalid permessage-deflate");
        assertThat(failWithRawAnswer(key -> upgradeAnswer(WebSocketUpgrade.acceptKey(key), "Sec-WebSocket-Extensions: x-other\r\n")))
                .contains("invalid permessage-deflate");
        assertThat(failWithRawAnswer(key -> "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WebSocketUpgrade.acceptKey(key) + "\r\n\r\n")).contains("without Upgrade: websocket");
        assertThat(failWithRawAnswer(key -> "SSH-2.0-OpenSSH\r\n\r\n")).contains("not an HTTP/1.1 response");
        assertThat(failWithRawAnswer(key -> null)).contains("timed out");
        assertThat(failWithRawAnswer(key -> "HTTP/1.1 101 Switching Protocols\r\n" + "X-Long: " + "a".repeat(20_000)))
                .contains("response head longer than");
    }

    @Test
    void aValidRawAnswerWithFramesRightBehindItDeliversThem() throws Exception {
        // The server's first frame arrives in the same segment as the 101: the hand-over must pass it on.
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> fromClient = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                    s.setSoTimeout(5000);
                    String head = readHead(s.getInputStream());
                    String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
                    byte[] reply = upgradeAnswer(WebSocketUpgrade.acceptKey(key), "").getBytes(StandardCharsets.ISO_8859_1);
                    byte[] frame = {(byte) 0x81, 2, 'h', 'i'};
                    byte[] both = Arrays.copyOf(reply, reply.length + frame.length);
                    System.arraycopy(frame, 0, both, reply.length, frame.length);
                    s.getOutputStream().write(both);
                    byte[] got = s.getInputStream().readNBytes(2 + 4 + 3); // the client's masked "yo!"
                    return got;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, OWN_THREAD);
            Recorder r = new Recorder();
            WebSocket ws = await(client.withOptions(WebSocketOptions.defaults().withCompression(false, -1, 64, false))
                    .connect(URI.create("ws://127.0.0.1:" + ss.getLocalPort() + "/"), r));
            assertThat(r.next()).isEqualTo("text:hi");
            ws.sendText("yo!");
            byte[] frame = fromClient.get(10, TimeUnit.SECONDS);
            assertThat(frame[0] & 0xFF).isEqualTo(0x81);
            assertThat(frame[1] & 0x80).as("client frames are masked").isEqualTo(0x80);
            assertThat(frame[1] & 0x7F).isEqualTo(3);
            byte[] payload = new byte[3];
            for (int i = 0; i < 3; i++) {
                payload[i] = (byte) (frame[6 + i] ^ frame[2 + i]);
            }
            assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("yo!");
            ws.abort();
        }
    }

    @Test
    void interoperatesWithPythonWebsocketsServer() throws Exception {
        String python = WebSocketIntegrationSuite.pythonWithWebsockets();
        String script = """
                import asyncio, sys, websockets
                async def handler(ws):
                    async for msg in ws:
                        if msg == "frag":
                            await ws.send(["frag ", "men", "ted ✓"])
                        elif msg == "close":
                            await ws.close(code=4321, reason="python says bye")
                        elif isinstance(msg, str):
                            await ws.send("py:" + msg)
                        else:
                            await ws.send(msg)
                async def main():
                    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None) as server:
                        port = server.sockets[0].getsockname()[1]
                        print(port, flush=True)
                        await asyncio.sleep(30)
                asyncio.run(main())
                """;
        Path file = Files.createTempFile("ws-server", ".py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(python, file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(line).as("python server port").isNotNull();
            int pyPort = Integer.parseInt(line.split("\\s")[0]);
            URI uri = URI.create("ws://127.0.0.1:" + pyPort + "/");
            Recorder r = new Recorder();
            WebSocket ws = await(client.connect(uri, r));
            assertThat(ws.isCompressed()).as("python offers/accepts permessage-deflate").isTrue();
            ws.sendText("hello");
            assertThat(r.next()).isEqualTo("text:py:hello");
            String big = "compressible ".repeat(20_000);
            ws.sendText(big);
            assertThat(r.next()).isEqualTo("text:py:" + big);
            byte[] bin = bytes(200_000, 4);
            ws.sendBinary(bin);
            assertThat(r.next()).isEqualTo("binary:" + bin.length);
            assertThat(r.binaries.take()).isEqualTo(bin);
            ws.sendText("frag");
            assertThat(r.next()).isEqualTo("text:frag mented ✓");
            ws.ping("p".getBytes(StandardCharsets.UTF_8));
            assertThat(r.next()).isEqualTo("pong:p");
            ws.sendText("close");
            assertThat(r.next()).isEqualTo("close:4321:python says bye");

            Recorder r2 = new Recorder();
            WebSocket plain = await(client.withOptions(WebSocketOptions.defaults().withCompression(false, -1, 64, false))
                    .connect(uri, r2));
            assertThat(plain.isCompressed()).isFalse();
            plain.sendText("plain");
            assertThat(r2.next()).isEqualTo("text:py:plain");
            plain.close(1000, "ok");
            assertThat(r2.next()).isEqualTo("close:1000:ok");
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(file);
        }
    }

    // ---- wss:// ---------------------------------------------------------------------------------------

    /** A self-signed certificate and key for {@code subjectAltName} in {@code dir}: {cert, key}. */
    static Path[] selfSigned(Path dir, String name, String subjectAltName) throws Exception {
        Processes.require("openssl", "openssl");
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=" + subjectAltName), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        return new Path[] {cert, key};
    }

    /** Our own WebSocket echo behind TLS with {@code certAndKey}, on this suite's backend. */
    Engine tlsServer(Path[] certAndKey) {
        Router router = new Router();
        router.get("/echo", WebSocketUpgrade.of(WebSocketOptions.defaults().withTimeouts(Duration.ZERO, Duration.ZERO),
                (req, p) -> ECHO));
        var tls = TlsContext.fromPem(certAndKey[0], certAndKey[1]).withApplicationProtocols("http/1.1");
        return Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                .shutdownGrace(Duration.ofSeconds(2)).handler(tls.wrap(HttpServer.create(router))).start();
    }

    static void deleteAll(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Test
    void wssEchoesTextAndBinaryAndClosesWithTheHostNameVerified() throws Exception {
        Path dir = Files.createTempDirectory("ringbolt-it-wss-client");
        try (Engine secure = tlsServer(selfSigned(dir, "localhost", "IP:127.0.0.1,DNS:localhost"))) {
            Path trustStore = dir.resolve("trust.p12");
            var keytool = Processes.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-importcert", "-noprompt", "-alias", "test-ca", "-file", dir.resolve("localhost-cert.pem").toString(),
                    "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit"), Duration.ofSeconds(60));
            assertThat(keytool.exitCode()).as(keytool.stdout() + keytool.stderr()).isZero();
            TlsClient tls = TlsClient.builder().trustStore(trustStore, "changeit".toCharArray()).applicationProtocols("http/1.1")
                    .build();
            assertThat(tls.verifiesHostname()).isTrue();
            Recorder r = new Recorder();
            WebSocket ws = await(client.withTls(tls).connect(URI.create("wss://127.0.0.1:" + secure.port() + "/echo"), r));
            assertThat(ws.isCompressed()).isTrue();
            ws.sendText("over TLS ✓");
            assertThat(r.next()).isEqualTo("text:over TLS ✓");
            byte[] data = bytes(200_000, 5); // several TLS records each way
            ws.sendBinary(data);
            assertThat(r.next()).isEqualTo("binary:" + data.length);
            assertThat(r.binaries.take()).isEqualTo(data);
            ws.close(1000, "bye");
            assertThat(r.next()).isEqualTo("close:1000:bye");
        } finally {
            deleteAll(dir);
        }
    }

    @Test
    void wssFailsTheFutureNamingTheCauseForAnUntrustedOrMisnamedCertificate() throws Exception {
        Path dir = Files.createTempDirectory("ringbolt-it-wss-client");
        Path[] elsewhere = selfSigned(dir, "elsewhere", "DNS:elsewhere.example");
        try (Engine secure = tlsServer(elsewhere)) {
            URI uri = URI.create("wss://127.0.0.1:" + secure.port() + "/echo");
            // Without withTls: the JDK's CAs, which do not know this self-signed certificate.
            assertThatThrownBy(() -> await(client.connect(uri, new Recorder())))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                    .hasMessageContaining("127.0.0.1").hasMessageContaining("certification path");
            // Trusted, but issued for another name: host name verification refuses it.
            TlsClient trusting = TlsClient.builder().trustPem(elsewhere[0]).build();
            assertThatThrownBy(() -> await(client.withTls(trusting).connect(uri, new Recorder())))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                    .hasMessageContaining("127.0.0.1").hasMessageContaining("No subject alternative names");
            // The same trust without the name check connects: the name was the only problem.
            TlsClient unchecked = TlsClient.builder().trustPem(elsewhere[0]).verifyHostname(false).build();
            Recorder r = new Recorder();
            WebSocket ws = await(client.withTls(unchecked).connect(uri, r));
            ws.sendText("name not checked");
            assertThat(r.next()).isEqualTo("text:name not checked");
            ws.close();
        } finally {
            deleteAll(dir);
        }
    }
}
