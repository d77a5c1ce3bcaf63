package io.ringbolt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 clients other than curl against {@code serve} on one backend, over h2c (prior
 * knowledge, on the h2c-only port) and h2 over TLS (ALPN): Python's {@code h2} state machine
 * (Debian python3-h2) and Node's {@code http2} module, with concurrent streams and a request
 * body larger than the stream window echoed byte for byte. Then the request-body features
 * HTTP/1.1 had and HTTP/2 now shares: {@code Expect: 100-continue} (interim 100 HEADERS, or a
 * final 413/404 without one) with curl and raw frames, and a 32 MiB upload streamed to
 * {@code POST /upload}'s body sink while buffered bodies are capped at 2 MiB, and request trailers
 * (raw frames, to an in-process route) reaching the handler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
abstract class Http2ClientsIntegrationSuite {
    /** Buffered bodies (POST /echo) larger than this get 413; POST /upload streams and has its own limit. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
    static final int MAX_UPLOAD_BYTES = 40 * 1024 * 1024;
    /** Larger than the server's 1 MiB initial stream window. */
    static final int UPLOAD_BYTES = (1 << 20) + 12_345;

    ServeProcess serve;
    /** In process, for a route serve does not have: POST /trailer answers the request's x-checksum trailer. */
    Engine engine;
    int enginePort;
    Path dir;
    int h2cPort;
    int h2Port;
    byte[] upload;
    Path uploadFile;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        Processes.require("openssl", "openssl");
        dir = Files.createTempDirectory("ringbolt-h2clients");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        int[] ports = freePorts(3);
        h2Port = ports[1];
        h2cPort = ports[2];
        try {
            serve = ServeProcess.start("--port", Integer.toString(ports[0]), "--h2-port", Integer.toString(h2Port),
                    "--h2c-port", Integer.toString(h2cPort), "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                    "--reactors", "2", "--backend", backend().name(), "--max-body-bytes", Integer.toString(MAX_BODY_BYTES),
                    "--max-upload-bytes", Integer.toString(MAX_UPLOAD_BYTES));
        } catch (AssertionError e) {
            if (String.valueOf(e.getMessage()).contains("unavailable")) {
                Assumptions.abort("backend " + backend() + " unavailable here: " + e.getMessage());
            }
            throw e;
        }
        Router router = new Router();
        router.post("/trailer", (req, res) -> res.send(req.bodyLength() + " " + req.trailer("x-checksum")));
        engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1).shutdownGrace(Duration.ofSeconds(2))
                .handler(HttpServer.create(router)).start();
        enginePort = engine.boundAddresses().getFirst().getPort();
        upload = new byte[UPLOAD_BYTES];
        new Random(14).nextBytes(upload);
        uploadFile = dir.resolve("upload.bin");
        Files.write(uploadFile, upload);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (serve != null) {
            serve.terminate();
            serve.awaitExit(Duration.ofSeconds(20));
        }
    }

    // ---- Python h2 ---------------------------------------------------------------------------

    @Test
    void pythonH2OverH2cByPriorKnowledge() throws Exception {
        pythonH2(h2cPort, "plain");
    }

    @Test
    void pythonH2OverTlsWithAlpn() throws Exception {
        pythonH2(h2Port, "tls");
    }

    private void pythonH2(int port, String mode) throws Exception {
        String python = requirePythonH2();
        Path script = resource("h2_client.py");
        Path echoed = dir.resolve("python-" + mode + ".bin");
        var r = Processes.run(List.of(python, script.toString(), "127.0.0.1", Integer.toString(port), mode, "8",
                uploadFile.toString(), echoed.toString()), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        List<String> expected = new ArrayList<>(IntStream.range(0, 8).mapToObj(i -> "/baseline2?a=" + i + "&b=" + 2 * i + " 200 " + 3 * i)
                .toList());
        expected.add("/echo 200 " + UPLOAD_BYTES);
        assertThat(r.stdout().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllBytes(echoed)).as("echoed body").isEqualTo(upload);
    }

    /** Debian's python3-h2 lives in the system interpreter's dist-packages, whichever python3 is first on PATH. */
    private static String requirePythonH2() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        if (Processes.run(List.of(python, "-c", "import h2"), Duration.ofSeconds(30)).exitCode() != 0) {
            var install = Processes.run(List.of("sh", "-c", "(apt-get install -y -q python3-h2 || (apt-get update -q && "
                    + "apt-get install -y -q python3-h2)) </dev/null"), Duration.ofMinutes(4));
            Assumptions.assumeTrue(Processes.run(List.of(python, "-c", "import h2"), Duration.ofSeconds(30)).exitCode() == 0,
                    "python3-h2 is not available and could not be installed: " + install.stderr());
        }
        return python;
    }

    // ---- Node http2 --------------------------------------------------------------------------

    @Test
    void nodeHttp2OverH2c() throws Exception {
        nodeHttp2("http://127.0.0.1:" + h2cPort, "plain");
    }

    @Test
    void nodeHttp2OverTls() throws Exception {
        nodeHttp2("https://127.0.0.1:" + h2Port, "tls");
    }

    private void nodeHttp2(String url, String mode) throws Exception {
        Processes.require("node", "nodejs");
        Path script = resource("h2_client.js");
        Path echoed = dir.resolve("node-" + mode + ".bin");
        var r = Processes.run(List.of("node", script.toString(), url, "50", uploadFile.toString(), echoed.toString()),
                Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        List<String> expected = new ArrayList<>(List.of("/plaintext 200 Hello, World!", "/echo 200 " + UPLOAD_BYTES));
        expected.addAll(IntStream.range(0, 50).mapToObj(i -> "/baseline2?a=" + i + "&b=" + 3 * i + " 200 " + 4 * i).toList());
        assertThat(r.stdout().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllBytes(echoed)).as("echoed body").isEqualTo(upload);
    }

    // ---- Expect: 100-continue ----------------------------------------------------------------

    @Test
    void curlGets100ContinueBeforeTheEcho() throws Exception {
        Path out = dir.resolve("expect-echo.bin");
        var r = curl("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + uploadFile, "-o", out.toString(),
                "-w", "%{http_code}", "http://127.0.0.1:" + h2cPort + "/echo");
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("200");
        assertThat(r.stderr()).contains("< HTTP/2 100");
        assertThat(r.stderr().indexOf("< HTTP/2 100")).isLessThan(r.stderr().indexOf("< HTTP/2 200"));
        assertThat(Files.readAllBytes(out)).isEqualTo(upload);
    }

    @Test
    void curlGets413WithoutContinueForABodyOverTheRouteLimit() throws Exception {
        Path big = dir.resolve("over-limit.bin");
        Files.write(big, new byte[MAX_BODY_BYTES + 1]);
        var r = curl("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + big, "-o", "/dev/null",
                "-w", "%{http_code}", "http://127.0.0.1:" + h2cPort + "/echo");
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("413");
        assertThat(r.stderr()).doesNotContain("< HTTP/2 100");
    }

    /** Raw frames: the interim 100 HEADERS (no END_STREAM) comes before any DATA is sent, the final answer after it. */
    @Test
    void rawFramesShowThe100HeadersBeforeTheBodyIsSent() throws Exception {
        try (Socket s = new Socket("127.0.0.1", h2cPort)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            o.write(preface());
            o.write(headers(1, false, "POST", "/echo", "content-length", "5", "expect", "100-continue"));
            o.flush();
            Hpack hpack = new Hpack();
            Frame interim = nextFrameOn(in, 1, hpack);
            assertThat(interim.type).isEqualTo(1);
            assertThat(interim.flags & 0x1).as("no END_STREAM on the interim response").isZero();
            assertThat(interim.fields).startsWith(":status: 100");
            o.write(frame(0, 0x1, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
            o.flush();
            Frame head = nextFrameOn(in, 1, hpack);
            assertThat(head.type).isEqualTo(1);
            assertThat(head.fields).startsWith(":status: 200");
            Frame data = nextFrameOn(in, 1, hpack);
            assertThat(data.type).isEqualTo(0);
            assertThat(new String(data.payload, StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    /**
     * Raw frames, {@code Expect: 100-continue}: a declared length over the route's limit gets
     * 413 at once and a 404 route its 404 at once, neither with a 100 before it; the stream is
     * left for the client to close (it sends no body after a final status), and the connection
     * serves the next stream.
     */
    @Test
    void rawFramesShowFinalAnswersInsteadOfContinue() throws Exception {
        try (Socket s = new Socket("127.0.0.1", h2cPort)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            Hpack hpack = new Hpack();
            o.write(preface());
            o.write(headers(1, false, "POST", "/echo", "content-length", Integer.toString(MAX_BODY_BYTES + 1),
                    "expect", "100-continue"));
            o.flush();
            assertCompleteAnswer(in, 1, hpack, ":status: 413");
            o.write(frame(3, 0, 1, new byte[] {0, 0, 0, 8})); // RST_STREAM CANCEL: the client gives up its body
            o.write(headers(3, false, "POST", "/nowhere", "content-length", "5", "expect", "100-continue"));
            o.flush();
            assertCompleteAnswer(in, 3, hpack, ":status: 404");
            o.write(frame(0, 0x1, 3, new byte[0])); // or ends it empty
            o.write(headers(5, true, "GET", "/plaintext"));
            o.flush();
            assertThat(nextFrameOn(in, 5, hpack).fields).startsWith(":status: 200");
        }
    }

    /** A final HEADERS with {@code status} first, then DATA up to END_STREAM; no RST_STREAM. */
    private static void assertCompleteAnswer(InputStream in, int stream, Hpack hpack, String status) throws Exception {
        Frame head = nextFrameOn(in, stream, hpack);
        assertThat(head.type).isEqualTo(1);
        assertThat(head.fields).as("final status first, no 100").startsWith(status);
        Frame f = head;
        while ((f.flags & 0x1) == 0) {
            f = nextFrameOn(in, stream, hpack);
            assertThat(f.type).as("DATA").isZero();
        }
    }

    private static void assertFinalThenNoErrorReset(InputStream in, int stream, Hpack hpack, String status) throws Exception {
        Frame head = nextFrameOn(in, stream, hpack);
        assertThat(head.type).isEqualTo(1);
        assertThat(head.fields).as("final status first, no 100").startsWith(status);
        Frame f;
        do {
            f = nextFrameOn(in, stream, hpack);
        } while (f.type == 0);
        assertThat(f.type).as("RST_STREAM").isEqualTo(3);
        assertThat(f.payload).as("NO_ERROR").containsExactly(0, 0, 0, 0);
    }

    // ---- request trailers ----------------------------------------------------------------------

    /** Raw frames: HEADERS, DATA, then a trailer HEADERS with END_STREAM; the handler reads the trailer field. */
    @Test
    void requestTrailersReachTheHandler() throws Exception {
        try (Socket s = new Socket("127.0.0.1", enginePort)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            Hpack hpack = new Hpack();
            o.write(preface());
            o.write(headers(1, false, "POST", "/trailer", "te", "trailers"));
            o.write(frame(0, 0, 1, "12345".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream trailer = new ByteArrayOutputStream();
            literal(trailer, "x-checksum", "abc123");
            o.write(frame(1, 0x4 | 0x1, 1, trailer.toByteArray()));
            o.flush();
            InputStream in = s.getInputStream();
            assertThat(nextFrameOn(in, 1, hpack).fields).startsWith(":status: 200");
            Frame data = nextFrameOn(in, 1, hpack);
            assertThat(new String(data.payload, StandardCharsets.US_ASCII)).isEqualTo("5 abc123");
        }
    }

    // ---- streamed request bodies -------------------------------------------------------------

    /**
     * 32 MiB to POST /upload over h2c and h2: the route's body sink gets it as it comes (the
     * server buffers at most 2 MiB per body, so buffering it would be a 413), and the windows
     * reopen as the sink consumes.
     */
    @Test
    void a32MiBUploadStreamsToTheRouteSinkOverHttp2() throws Exception {
        Path big = dir.resolve("32MiB.bin");
        try (OutputStream o = Files.newOutputStream(big)) {
            byte[] block = new byte[1 << 20];
            new Random(32).nextBytes(block);
            for (int i = 0; i < 32; i++) {
                o.write(block);
            }
        }
        var h2c = curl("--data-binary", "@" + big, "-w", " %{http_version} %{http_code}", "http://127.0.0.1:" + h2cPort + "/upload");
        assertThat(h2c.stdout()).as(h2c.stderr()).isEqualTo((32 << 20) + " 2 200");
        var tls = curl("-k", "--data-binary", "@" + big, "-w", " %{http_version} %{http_code}", "https://127.0.0.1:" + h2Port + "/upload");
        assertThat(tls.stdout()).as(tls.stderr()).isEqualTo((32 << 20) + " 2 200");
        var buffered = curl("-H", "Expect: 100-continue", "--data-binary", "@" + big, "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + h2cPort + "/echo");
        assertThat(buffered.stdout()).as("a buffered route keeps its limit").isEqualTo("413");
    }

    /** Without Expect the early 413 is followed by RST_STREAM NO_ERROR: stop sending (RFC 9113 §8.1). */
    @Test
    void aDeclaredLengthOverTheUploadRouteLimitGets413ThenNoErrorReset() throws Exception {
        try (Socket s = new Socket("127.0.0.1", h2cPort)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            Hpack hpack = new Hpack();
            o.write(preface());
            o.write(headers(1, false, "POST", "/upload", "content-length", Integer.toString(MAX_UPLOAD_BYTES + 1)));
            o.flush();
            assertFinalThenNoErrorReset(s.getInputStream(), 1, hpack, ":status: 413");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Processes.Result curl(String... args) throws Exception {
        Processes.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        boolean tls = List.of(args).stream().anyMatch(a -> a.startsWith("https:"));
        command.add(tls ? "--http2" : "--http2-prior-knowledge");
        command.addAll(List.of(args));
        return Processes.run(command, Duration.ofSeconds(90));
    }

    private Path resource(String name) throws Exception {
        Path target = dir.resolve(name);
        try (InputStream in = Http2ClientsIntegrationSuite.class.getResourceAsStream("/h2clients/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static byte[] preface() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(frame(4, 0, 0, new byte[0]));
        return out.toByteArray();
    }

    /** A HEADERS frame (END_HEADERS) with :method, :scheme http, :path, :authority, then name/value pairs, as HPACK literals. */
    private static byte[] headers(int stream, boolean endStream, String method, String path, String... fields) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", method);
        literal(block, ":scheme", "http");
        literal(block, ":path", path);
        literal(block, ":authority", "127.0.0.1");
        for (int i = 0; i < fields.length; i += 2) {
            literal(block, fields[i], fields[i + 1]);
        }
        return frame(1, 0x4 | (endStream ? 0x1 : 0), stream, block.toByteArray());
    }

    /** RFC 7541 §6.2.2 literal without indexing, new name, no Huffman (lengths below 127). */
    private static void literal(ByteArrayOutputStream out, String name, String value) {
        out.write(0);
        out.write(name.length());
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(value.length());
        out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    record Frame(int type, int flags, byte[] payload, String fields) {
    }

    /** The next frame on {@code stream}; frames of other streams (SETTINGS, WINDOW_UPDATE...) are skipped, GOAWAY fails. */
    private static Frame nextFrameOn(InputStream in, int stream, Hpack hpack) throws Exception {
        while (true) {
            byte[] head = in.readNBytes(9);
            assertThat(head).as("frame header").hasSize(9);
            int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | (head[2] & 0xFF);
            int type = head[3];
            int flags = head[4] & 0xFF;
            int id = (head[5] & 0x7F) << 24 | (head[6] & 0xFF) << 16 | (head[7] & 0xFF) << 8 | (head[8] & 0xFF);
            byte[] payload = in.readNBytes(length);
            assertThat(type).as("GOAWAY").isNotEqualTo(7);
            String fields = "";
            if (type == 1) {
                fields = String.join("\n", hpack.decode(payload));
            }
            if (id == stream) {
                return new Frame(type, flags, payload, fields);
            }
        }
    }

    /**
     * The connection's HPACK decoder (responses use the dynamic table and Huffman codes): the
     * server's own decoder, reached by reflection because its package is not exported to this
     * module at compile time (tests run on the class path).
     */
    static final class Hpack {
        private final Object decoder;
        private final Class<?> sinkType;
        private final java.lang.reflect.Method decode;

        Hpack() throws Exception {
            Class<?> type = Class.forName("io.ringbolt.http.hpack.HpackDecoder");
            sinkType = Class.forName("io.ringbolt.http.hpack.HeaderSink");
            decoder = type.getConstructor(int.class, int.class).newInstance(4096, 1 << 16);
            decode = type.getMethod("decode", byte[].class, int.class, int.class, sinkType);
        }

        /** The block's fields as "name: value". */
        List<String> decode(byte[] block) throws Exception {
            List<String> lines = new ArrayList<>();
            Object sink = java.lang.reflect.Proxy.newProxyInstance(sinkType.getClassLoader(), new Class<?>[] {sinkType},
                    (proxy, method, a) -> {
                        if (method.getName().equals("onHeader")) {
                            lines.add(new String((byte[]) a[0], (int) a[1], (int) a[2], StandardCharsets.ISO_8859_1) + ": "
                                    + new String((byte[]) a[3], (int) a[4], (int) a[5], StandardCharsets.ISO_8859_1));
                        }
                        return null;
                    });
            decode.invoke(decoder, block, 0, block.length, sink);
            return lines;
        }
    }

    static int[] freePorts(int n) throws Exception {
        int[] ports = new int[n];
        ServerSocket[] held = new ServerSocket[n];
        for (int i = 0; i < n; i++) {
            held[i] = new ServerSocket(0);
            ports[i] = held[i].getLocalPort();
        }
        for (ServerSocket s : held) {
            s.close();
        }
        return ports;
    }
}
