package io.ringbolt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 over loopback on a real backend, with curl (libcurl's nghttp2) as the client: h2c by
 * prior knowledge on the ordinary port, an h2c-only port where HTTP/1.1 gets no answer,
 * multiplexed streams on one connection, large bodies both ways (flow control), blocking and
 * deferred routes through the same router as HTTP/1.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class Http2IntegrationSuite {
    Engine engine;
    final java.util.Queue<String> completed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    int port;
    int h2cOnlyPort;
    Path dir;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("ringbolt-it-h2");
        Router router = new Router();
        router.get("/hello", (req, res) -> res.send("hello " + req.version().text() + " " + req.header("host")));
        router.post("/echo", (req, res) -> res.send(req.bodyBytes()));
        router.get("/blocking", (req, res) -> res.send("on " + (Thread.currentThread().isVirtual() ? "virtual" : "reactor"))).blocking();
        router.get("/deferred", (req, res) -> {
            res.defer();
            Thread.ofVirtual().start(() -> res.send("later"));
        });
        router.get("/big", (req, res) -> res.send(new byte[3 * 1024 * 1024 + 17]));
        router.get("/boom", (req, res) -> {
            throw new IllegalStateException("boom");
        });
        router.use((req, res, next) -> {
            res.header("Access-Control-Allow-Origin", "*");
            next.handle(req, res);
        });
        router.onComplete((req, status, bytes, ns) -> {
            if (req.version() == io.ringbolt.http.HttpVersion.HTTP_2) {
                completed.add(req.path() + " " + status);
            }
        });
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            h2cOnlyPort = probe.getLocalPort();
        }
        HttpServer server = HttpServer.create(router).http2Only(h2cOnlyPort);
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).bind("127.0.0.1", h2cOnlyPort).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(5)).handler(server).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = engine.boundAddresses().stream().mapToInt(InetSocketAddress::getPort).filter(p -> p != h2cOnlyPort).findFirst().orElseThrow();
    }

    @AfterAll
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
    }

    private Processes.Result curl(String... args) throws Exception {
        Processes.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http2-prior-knowledge"));
        command.addAll(List.of(args));
        return Processes.run(command, Duration.ofSeconds(30));
    }

    @Test
    void curlSpeaksH2cByPriorKnowledgeOnTheOrdinaryPort() throws Exception {
        var r = curl("-w", "\n%{http_version} %{response_code}", "http://127.0.0.1:" + port + "/hello");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("hello HTTP/2 127.0.0.1:" + port + "\n2 200");
    }

    @Test
    void javasHttpClientUpgradesToH2cAndKeepsTheConnection() throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) {
                var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/hello")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
                assertThat(r.body()).isEqualTo("hello HTTP/2 127.0.0.1:" + port);
            }
            byte[] upload = new byte[300_000];
            new Random(3).nextBytes(upload);
            var echoed = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/echo"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(echoed.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(echoed.body()).isEqualTo(upload);
        }
    }

    /** Middleware headers survive on 404 and 500 answers, and the completion hook sees the final status, over HTTP/2 too. */
    @Test
    void middlewareHeadersAndCompletionStatusOnErrorAnswers() throws Exception {
        completed.clear();
        var missing = curl("-i", "http://127.0.0.1:" + port + "/missing");
        assertThat(missing.stdout()).startsWith("HTTP/2 404").contains("access-control-allow-origin: *");
        var boom = curl("-i", "http://127.0.0.1:" + port + "/boom");
        assertThat(boom.stdout()).startsWith("HTTP/2 500").contains("access-control-allow-origin: *");
        assertThat(completed).containsExactly("/missing 404", "/boom 500");
    }

    @Test
    void http11StillWorksOnTheOrdinaryPort() throws Exception {
        Processes.require("curl", "curl");
        var r = Processes.run(List.of("curl", "-sS", "--http1.1", "http://127.0.0.1:" + port + "/hello"), Duration.ofSeconds(30));
        assertThat(r.stdout()).isEqualTo("hello HTTP/1.1 127.0.0.1:" + port);
    }

    @Test
    void theH2cOnlyPortServesHttp2AndGivesHttp11No200() throws Exception {
        var r = curl("-w", " %{http_version}", "http://127.0.0.1:" + h2cOnlyPort + "/hello");
        assertThat(r.stdout()).isEqualTo("hello HTTP/2 127.0.0.1:" + h2cOnlyPort + " 2");
        try (Socket s = new Socket("127.0.0.1", h2cOnlyPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = s.getInputStream().readAllBytes();
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("200").doesNotContain("hello");
        }
    }

    @Test
    void largeBodiesCrossTheFlowControlWindowsBothWays() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024 + 3];
        new Random(7).nextBytes(upload);
        Path in = dir.resolve("up.bin");
        Path out = dir.resolve("down.bin");
        Files.write(in, upload);
        var r = curl("--data-binary", "@" + in, "-o", out.toString(), "-w", "%{http_code}", "http://127.0.0.1:" + port + "/echo");
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("200");
        assertThat(Files.readAllBytes(out)).isEqualTo(upload);
        var big = curl("-o", out.toString(), "-w", "%{size_download}", "http://127.0.0.1:" + port + "/big");
        assertThat(big.stdout()).isEqualTo(Integer.toString(3 * 1024 * 1024 + 17));
    }

    /**
     * h2load (nghttp2) multiplexes 20 streams per connection over 2 connections: every request
     * answered. (curl 7.88's --parallel fails locally on a reused h2c connection before sending
     * the second stream, so the multiplexing check uses h2load.)
     */
    @Test
    void h2loadMultiplexesStreamsOnFewConnections() throws Exception {
        Processes.require("h2load", "nghttp2-client");
        for (String path : new String[] {"/hello", "/blocking", "/deferred"}) {
            var r = Processes.run(List.of("h2load", "-n", "600", "-c", "2", "-m", "20", "http://127.0.0.1:" + port + path),
                    Duration.ofSeconds(30));
            assertThat(r.stdout()).as(r.stderr()).contains("Application protocol: h2c")
                    .contains("requests: 600 total, 600 started, 600 done, 600 succeeded, 0 failed, 0 errored, 0 timeout")
                    .contains("status codes: 600 2xx");
        }
    }

    @Test
    void nghttpSeesOneConnectionServeConcurrentStreams() throws Exception {
        Processes.require("nghttp", "nghttp2-client");
        var r = Processes.run(List.of("nghttp", "-nv", "http://127.0.0.1:" + port + "/deferred",
                "http://127.0.0.1:" + port + "/hello", "http://127.0.0.1:" + port + "/blocking"), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().filter(l -> l.contains(":status: 200"))).hasSize(3);
        assertThat(r.stdout()).doesNotContain("recv GOAWAY").doesNotContain("recv RST_STREAM");
    }

    @Test
    void blockingAndDeferredRoutesAnswerOverHttp2() throws Exception {
        assertThat(curl("http://127.0.0.1:" + port + "/blocking").stdout()).isEqualTo("on virtual");
        assertThat(curl("http://127.0.0.1:" + port + "/deferred").stdout()).isEqualTo("later");
        assertThat(curl("-w", "%{http_code}", "-o", "/dev/null", "http://127.0.0.1:" + port + "/nope").stdout()).isEqualTo("404");
    }

    @Test
    void aMalformedRequestResetsItsStreamAndTheConnectionServesTheNext() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frames.writeBytes(frame(4, 0, 0, new byte[0]));
            // Stream 1: literal field "X-Upper: 1" with an upper-case name (RFC 9113 §8.2.1: malformed).
            frames.writeBytes(frame(1, 0x5, 1, concat(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x00, 7},
                    "X-Upper".getBytes(StandardCharsets.US_ASCII), new byte[] {1, '1'})));
            // Stream 3: GET /hello (static table: :method GET, :scheme http, :path /, then :path literal).
            frames.writeBytes(frame(1, 0x5, 3, concat(new byte[] {(byte) 0x82, (byte) 0x86, 0x04, 6},
                    "/hello".getBytes(StandardCharsets.US_ASCII), new byte[] {0x01, 1, 'x'})));
            o.write(frames.toByteArray());
            o.flush();
            InputStream in = s.getInputStream();
            boolean reset1 = false;
            boolean data3 = false;
            while (!(reset1 && data3)) {
                byte[] head = in.readNBytes(9);
                assertThat(head).hasSize(9);
                int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | (head[2] & 0xFF);
                int type = head[3];
                int stream = (head[5] & 0x7F) << 24 | (head[6] & 0xFF) << 16 | (head[7] & 0xFF) << 8 | (head[8] & 0xFF);
                byte[] payload = in.readNBytes(length);
                if (type == 3 && stream == 1) {
                    assertThat(payload[3]).as("PROTOCOL_ERROR").isEqualTo((byte) 1);
                    reset1 = true;
                }
                if (type == 0 && stream == 3) {
                    assertThat(new String(payload, StandardCharsets.US_ASCII)).startsWith("hello HTTP/2");
                    data3 = true;
                }
                assertThat(type).as("no GOAWAY").isNotEqualTo(7);
            }
        }
    }

    /**
     * RFC 9113 §6.8 over a socket: stopping the engine sends GOAWAY(2^31-1) and a PING; a stream
     * the client opens before it acknowledges the PING is served, the final GOAWAY names it, a
     * later stream is refused, and the stream under way since before the stop finishes.
     */
    @Test
    @Timeout(60)
    void stoppingTheEngineShutsHttp2DownInTwoStepsAndFinishesStreamsUnderWay() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Router gated = new Router();
        gated.get("/gate", (req, res) -> {
            res.defer();
            entered.countDown();
            Thread.ofVirtual().start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                res.send("gated");
            });
        });
        gated.get("/hello", (req, res) -> res.send("hello"));
        Engine stopping = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1)
                .shutdownGrace(Duration.ofSeconds(20)).handler(HttpServer.create(gated)).start();
        Thread closer = null;
        try (Socket s = new Socket("127.0.0.1", stopping.boundAddresses().stream().findFirst().orElseThrow().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            o.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            o.write(frame(4, 0, 0, new byte[0]));
            o.write(frame(1, 0x5, 1, get("/gate")));
            o.flush();
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("/gate reached").isTrue();

            closer = Thread.ofPlatform().start(stopping::close);
            byte[] ping = null;
            boolean firstGoAway = false;
            while (ping == null) {
                byte[][] f = readFrame(in, o);
                if (f[0][0] == 7) {
                    assertThat(goAway(f[1])).as("first GOAWAY: last stream 2^31-1, NO_ERROR").containsExactly(Integer.MAX_VALUE, 0);
                    firstGoAway = true;
                } else if (f[0][0] == 6 && (f[0][1] & 1) == 0) {
                    assertThat(firstGoAway).as("the PING follows the first GOAWAY").isTrue();
                    ping = f[1];
                }
            }
            // A request the client sent before it saw the GOAWAY, then the PING's ACK.
            o.write(frame(1, 0x5, 3, get("/hello")));
            o.write(frame(6, 1, 0, ping));
            o.flush();
            boolean served3 = false;
            boolean finalGoAway = false;
            while (!(served3 && finalGoAway)) {
                byte[][] f = readFrame(in, o);
                int stream = f[0][2];
                if (f[0][0] == 0 && stream == 3) {
                    assertThat(new String(f[1], StandardCharsets.US_ASCII)).isEqualTo("hello");
                    served3 = true;
                } else if (f[0][0] == 7) {
                    assertThat(goAway(f[1])).as("final GOAWAY: last stream 3, NO_ERROR").containsExactly(3, 0);
                    finalGoAway = true;
                }
                assertThat(f[0][0]).as("no stream is reset before the final GOAWAY").isNotEqualTo((byte) 3);
            }
            o.write(frame(1, 0x5, 5, get("/hello")));
            o.flush();
            byte[][] refused = readFrame(in, o);
            assertThat(refused[0]).as("RST_STREAM on stream 5").containsExactly(3, 0, 5);
            assertThat(refused[1][3]).as("REFUSED_STREAM").isEqualTo((byte) 7);
            assertThat(s.isClosed()).isFalse();

            release.countDown();
            byte[][] gatedData = readFrame(in, o);
            while (gatedData[0][0] != 0) {
                gatedData = readFrame(in, o);
            }
            assertThat(gatedData[0]).as("DATA on stream 1 ending it").containsExactly(0, 1, 1);
            assertThat(new String(gatedData[1], StandardCharsets.US_ASCII)).isEqualTo("gated");
            assertThat(in.read()).as("the server closes once no stream is left").isEqualTo(-1);
        } finally {
            release.countDown();
            if (closer != null) {
                closer.join(30_000);
                assertThat(closer.isAlive()).as("engine stopped").isFalse();
            } else {
                stopping.close();
            }
        }
    }

    /** GET {@code path} as a header block: :method GET, :scheme http, :path literal, :authority x. */
    private static byte[] get(String path) {
        return concat(new byte[] {(byte) 0x82, (byte) 0x86, 0x04, (byte) path.length()},
                path.getBytes(StandardCharsets.US_ASCII), new byte[] {0x01, 1, 'x'});
    }

    /** {last stream id, error code} of a GOAWAY payload. */
    private static int[] goAway(byte[] payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
        return new int[] {b.getInt() & 0x7FFF_FFFF, b.getInt()};
    }

    /**
     * The next frame as {{type, flags, stream}, payload}; SETTINGS from the server are
     * acknowledged and skipped, as are WINDOW_UPDATE, HEADERS and SETTINGS ACKs.
     */
    private static byte[][] readFrame(InputStream in, OutputStream o) throws IOException {
        while (true) {
            byte[] head = in.readNBytes(9);
            assertThat(head).as("a whole frame header").hasSize(9);
            int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | (head[2] & 0xFF);
            int type = head[3];
            int stream = (head[5] & 0x7F) << 24 | (head[6] & 0xFF) << 16 | (head[7] & 0xFF) << 8 | (head[8] & 0xFF);
            byte[] payload = in.readNBytes(length);
            if (type == 4 && (head[4] & 1) == 0) {
                o.write(frame(4, 1, 0, new byte[0]));
                o.flush();
                continue;
            }
            if (type == 4 || type == 8 || type == 1) {
                continue;
            }
            return new byte[][] {{(byte) type, (byte) (head[4] & (type == 0 ? 1 : 0xFF)), (byte) stream}, payload};
        }
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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
