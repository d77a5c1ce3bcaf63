package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app on a real backend over loopback, driven by real clients: curl, Java's HttpClient,
 * Python's http.client, wrk (pipelined), and raw sockets for what clients will not send.
 * One server per backend for the whole suite; subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class ServeIntegrationSuite {
    Path dataDir;
    Engine engine;
    String base;
    int port;

    abstract Backend backend();

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("ringbolt-it-data");
        writeDataset(dataDir);
        ArenaData data = ArenaData.load(dataDir);
        // As `serve` does: br offered when the native Brotli library loads.
        HttpOptions options = BrotliEncoder.offer(HttpOptions.defaults().withHeaderTimeout(Duration.ofMillis(1500)));
        HttpServer http = HttpServer.create(DemoApp.router(data, 1L << 30), options);
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(5)).handler(http).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = engine.port();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
        if (dataDir != null) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void writeDataset(Path dir) throws IOException {
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= 50; i++) {
            json.append(i > 1 ? "," : "").append("{\"id\":").append(i).append(",\"name\":\"Item \\\"").append(i)
                    .append("\\\"\",\"category\":\"c").append(i % 5).append("\",\"price\":").append(10 + i)
                    .append(",\"quantity\":").append(i % 7 + 1).append(",\"active\":").append(i % 2 == 0)
                    .append(",\"tags\":[\"t").append(i).append("\",\"x\"],\"rating\":{\"score\":").append(i % 50)
                    .append(",\"count\":").append(i * 3).append("}}");
        }
        Files.writeString(dir.resolve("dataset.json"), json.append("]").toString());
        Path statics = Files.createDirectories(dir.resolve("static"));
        String css = "body { color: #333; }\n".repeat(200);
        Files.writeString(statics.resolve("reset.css"), css);
        Files.write(statics.resolve("reset.css.gz"), gzip(css.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(statics.resolve("app.js"), "console.log('hi');\n".repeat(100));
    }

    static byte[] gzip(byte[] in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(in);
        }
        return b.toByteArray();
    }

    // ---- start-up line ------------------------------------------------------------------------

    /** The app's start-up line names version, backend, reactors and a URL that answers. */
    @Test
    void startupLineGivesVersionBackendAndAWorkingUrl() throws Exception {
        String line = StartupLine.of("serve", engine, StartupLine.Protocol.HTTP, null);
        assertThat(line)
                .startsWith("ringbolt " + Engine.version() + " serve: backend=" + backend().displayName()
                        + " (requested), 2 reactors, memory budget ")
                .contains(", listening on http://127.0.0.1:" + port + "/ (HTTP/1.1, no TLS); ")
                .endsWith("; " + engine.features())
                .doesNotContain("0x");
        String url = line.replaceAll(".*listening on (\\S+) .*", "$1");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);

        TlsFlags tls = new TlsFlags();
        tls.certificate = Path.of("cert.pem");
        tls.privateKey = Path.of("key.pem");
        tls.protocols = new String[] {"TLSv1.3"};
        assertThat(StartupLine.of("serve", engine, StartupLine.Protocol.HTTP, tls.describe("http/1.1")))
                .contains(", listening on https://127.0.0.1:" + port + "/ (HTTP/1.1, TLS TLSv1.3, ALPN http/1.1, "
                        + "certificate cert.pem); ");
        assertThat(new TlsFlags().describe("http/1.1")).as("no TLS flags").isNull();
    }

    // ---- curl ---------------------------------------------------------------------------------

    @Test
    void curlGetsKeepsAliveAndSpeaksHttp10() throws Exception {
        Processes.require("curl", "curl");
        var r = Processes.run(List.of("curl", "-sS", "-v", base + "/", base + "/plaintext"), Duration.ofSeconds(20));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("Hello from Ringbolt!\nHello, World!");
        assertThat(r.stderr()).containsIgnoringCase("re-using existing connection");

        var old = Processes.run(List.of("curl", "-sS", "-i", "--http1.0", base + "/pipeline"), Duration.ofSeconds(20));
        assertThat(old.exitCode()).as(old.stderr()).isZero();
        assertThat(old.stdout()).contains("200 OK").containsIgnoringCase("connection: close").endsWith("\r\n\r\nok");
    }

    @Test
    void curlUploadsChunkedAndWithExpectContinue() throws Exception {
        Processes.require("curl", "curl");
        Path file = Files.createTempFile("upload", ".bin");
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        try {
            var chunked = Processes.run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                    base + "/upload"), Duration.ofSeconds(30));
            assertThat(chunked.stdout()).as(chunked.stderr()).isEqualTo(Integer.toString(bytes.length));

            var expect = Processes.run(List.of("curl", "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file,
                    base + "/upload"), Duration.ofSeconds(30));
            assertThat(expect.stdout()).as(expect.stderr()).isEqualTo(Integer.toString(bytes.length));
            assertThat(expect.stderr()).contains("HTTP/1.1 100 Continue");

            Path out = Files.createTempFile("echo", ".bin");
            var echo = Processes.run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue",
                    "--data-binary", "@" + file, "-o", out.toString(), base + "/echo"), Duration.ofSeconds(30));
            assertThat(echo.exitCode()).as(echo.stderr()).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
            Files.delete(out);

            var baseline = Processes.run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "-d", "20",
                    base + "/baseline11?a=13&b=42"), Duration.ofSeconds(20));
            assertThat(baseline.stdout()).isEqualTo("75");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void curlGetsStaticTwinsAndCompressedJson() throws Exception {
        Processes.require("curl", "curl");
        var css = Processes.run(List.of("curl", "-sS", "--compressed", "-D", "-", base + "/static/reset.css"), Duration.ofSeconds(20));
        assertThat(css.stdout()).containsIgnoringCase("content-encoding: gzip").containsIgnoringCase("vary: accept-encoding")
                .endsWith("body { color: #333; }\n");
        var json = Processes.run(List.of("curl", "-sS", "--compressed", "-H", "Accept-Encoding: gzip", "-D", "-",
                base + "/json/3?m=2"), Duration.ofSeconds(20));
        assertThat(json.stdout()).containsIgnoringCase("content-encoding: gzip").contains("\"count\":3");
        var version = Processes.run(List.of("curl", "-V"), Duration.ofSeconds(20));
        if (version.stdout().contains("brotli")) {
            var br = Processes.run(List.of("curl", "-sS", "--compressed", "-H", "Accept-Encoding: gzip, br", "-D", "-",
                    base + "/json/10?m=2"), Duration.ofSeconds(20));
            assertThat(br.stdout()).as(br.stderr()).containsIgnoringCase("content-encoding: br")
                    .containsIgnoringCase("vary: accept-encoding").contains("\"count\":10}");
        }
    }

    // ---- br ----------------------------------------------------------------------------------------

    /** br needs the native library; on the platform whose native jar the app ships it must load. */
    void requireBrotli() {
        boolean shipped = "Linux".equalsIgnoreCase(System.getProperty("os.name"))
                && "amd64".equalsIgnoreCase(System.getProperty("os.arch"));
        if (!shipped) {
            Assumptions.assumeTrue(BrotliEncoder.available(), "no Brotli native library for this platform");
        }
        assertThat(BrotliEncoder.available()).as("brotli4j native library loads on linux x86_64: "
                + com.aayushatharva.brotli4j.Brotli4jLoader.getUnavailabilityCause()).isTrue();
    }

    static HttpResponse<byte[]> getBytes(HttpClient client, String url, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void brWhenAskedDecodesToTheUncompressedBody() throws Exception {
        requireBrotli();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<byte[]> plain = getBytes(client, base + "/json/10?m=2", null);
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.headers().firstValue("content-encoding")).as("never when not asked").isEmpty();
            assertThat(plain.headers().firstValue("vary")).hasValue("Accept-Encoding");
            String expected = new String(plain.body(), StandardCharsets.UTF_8);
            assertThat(expected).startsWith("{\"items\":[").endsWith(",\"count\":10}");

            HttpResponse<byte[]> br = getBytes(client, base + "/json/10?m=2", "br");
            assertThat(br.statusCode()).isEqualTo(200);
            assertThat(br.headers().firstValue("content-encoding")).hasValue("br");
            assertThat(br.headers().firstValue("vary")).hasValue("Accept-Encoding");
            assertThat(br.headers().firstValueAsLong("content-length")).hasValue(br.body().length);
            assertThat(br.body().length).isLessThan(plain.body().length);
            byte[] decoded = com.aayushatharva.brotli4j.decoder.Decoder.decompress(br.body(), 0, br.body().length);
            assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(expected);

            HttpResponse<byte[]> both = getBytes(client, base + "/json/10?m=2", "gzip, br");
            assertThat(both.headers().firstValue("content-encoding")).as("br preferred at equal q").hasValue("br");

            HttpResponse<byte[]> gz = getBytes(client, base + "/json/10?m=2", "gzip;q=1, br;q=0");
            assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(expected);

            HttpResponse<byte[]> lighter = getBytes(client, base + "/json/10?m=2", "br;q=0.5, gzip;q=0.8");
            assertThat(lighter.headers().firstValue("content-encoding")).hasValue("gzip");

            HttpResponse<byte[]> refused = getBytes(client, base + "/json/10?m=2", "br;q=0");
            assertThat(refused.headers().firstValue("content-encoding")).isEmpty();
            assertThat(refused.body()).isEqualTo(plain.body());

            HttpResponse<byte[]> tiny = getBytes(client, base + "/json", "br");
            assertThat(tiny.headers().firstValue("content-encoding")).as("below min-bytes").isEmpty();
            assertThat(new String(tiny.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Hello, World!\"}");
        }
    }

    // ---- Java HttpClient -------------------------------------------------------------------------

    @Test
    void javaHttpClientConcurrentRequests() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 200; i++) {
                futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/baseline11?a=" + i + "&b=1")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < futures.size(); i++) {
                HttpResponse<String> r = futures.get(i).join();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(Integer.toString(i + 1));
            }
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("héllo")).header("Content-Type", "text/plain; charset=utf-8").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.body()).isEqualTo("héllo");
            assertThat(post.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

            HttpResponse<InputStream> gz = client.send(HttpRequest.newBuilder(URI.create(base + "/json/50?m=3"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
            String json = new String(new GZIPInputStream(gz.body()).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).startsWith("{\"items\":[{\"id\":1,\"name\":\"Item \\\"1\\\"\"").endsWith(",\"count\":50}");
            assertThat(json).contains("\"total\":" + (11 * 2 * 3) + "}");

            long t0 = System.nanoTime();
            HttpResponse<String> delayed = client.send(HttpRequest.newBuilder(URI.create(base + "/delay/150")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(delayed.body()).isEqualTo("150");
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(140_000_000L);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/delay/10001")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        }
    }

    // ---- Python http.client ------------------------------------------------------------------------

    @Test
    void pythonHttpClientOnOneConnection() throws Exception {
        Processes.require("python3", "python3");
        String script = """
                import http.client, json, sys
                c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)
                def req(method, path, body=None, headers={}, chunked=False):
                    c.request(method, path, body=body, headers=headers, encode_chunked=chunked)
                    r = c.getresponse()
                    return r.status, r.getheader('Content-Length'), r.read()
                print(req('GET', '/'))
                print(req('POST', '/ping'))
                print(req('HEAD', '/plaintext'))
                print(req('POST', '/echo', body=iter([b'ab', b'cd', b'ef']), headers={'Transfer-Encoding': 'chunked'}, chunked=True))
                print(req('POST', '/baseline11?a=1&b=2', body=b'39'))
                s, _, body = req('GET', '/json/7?m=4')
                d = json.loads(body)
                print(s, d['count'], all(i['total'] == i['price'] * i['quantity'] * 4 for i in d['items']))
                print(req('GET', '/nowhere')[0], req('DELETE', '/ping')[0])
                print(c.sock is not None)
                """;
        var r = Processes.run(List.of("python3", "-c", script, Integer.toString(port)), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly(
                "(200, '21', b'Hello from Ringbolt!\\n')",
                "(200, '4', b'pong')",
                "(200, '13', b'')",
                "(200, '6', b'abcdef')",
                "(200, '2', b'42')",
                "200 7 True",
                "404 405",
                "True");
    }

    // ---- wrk --------------------------------------------------------------------------------------

    @Test
    void wrkPipelinedSmokeRunIsAll200() throws Exception {
        Processes.require("wrk", "wrk");
        Path lua = Files.createTempFile("pipeline", ".lua");
        Files.writeString(lua, """
                local depth = 16
                local non200 = 0
                init = function(args)
                  local r = {}
                  for i = 1, depth do r[i] = wrk.format(nil, "/pipeline") end
                  req = table.concat(r)
                end
                request = function() return req end
                response = function(status, headers, body)
                  if status ~= 200 or body ~= "ok" then non200 = non200 + 1 end
                end
                done = function(summary, latency, requests)
                  io.write(string.format("RESULT requests=%d errors=%d\\n", summary.requests,
                    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
                end
                """);
        try {
            var r = Processes.run(List.of("wrk", "-t", "1", "-c", "8", "-d", "2s", "--timeout", "5s", "-s", lua.toString(),
                    base + "/pipeline"), Duration.ofSeconds(30));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).doesNotContain("Non-2xx");
            String result = r.stdout().lines().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow();
            assertThat(result).endsWith("errors=0");
            assertThat(Long.parseLong(result.replaceAll(".*requests=(\\d+).*", "$1"))).isPositive();
        } finally {
            Files.delete(lua);
        }
    }

    // ---- raw sockets ---------------------------------------------------------------------------------

    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        String wire = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /delay/50 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /baseline11?a=1&b=2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        String reply = exchange(wire);
        assertThat(bodies(reply)).containsExactly("Hello, World!", "abc", "50", "3");
    }

    @Test
    void deepPipelinesMixingDeferredResponsesKeepTheirOrder() throws Exception {
        StringBuilder wire = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            switch (i % 3) {
                case 0 -> {
                    wire.append("GET /delay/0 HTTP/1.1\r\nHost: t\r\n\r\n");
                    expected.add("0");
                }
                case 1 -> {
                    String body = Integer.toString(i);
                    wire.append("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ").append(body.length()).append("\r\n\r\n").append(body);
                    expected.add(body);
                }
                default -> {
                    wire.append("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
                    expected.add("Hello, World!");
                }
            }
        }
        wire.append("GET /pipeline HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        expected.add("ok");
        assertThat(bodies(exchange(wire.toString()))).containsExactlyElementsOf(expected);
    }

    /**
     * Regression test: a legal Content-Type holding HTAB or obs-text (RFC 9110 §5.5) made the
     * echo answer 500 and log a stack trace per request. Sent as raw bytes, since clients may
     * refuse to send them; the same bytes must come back with a 200, and the server (in this
     * JVM) must log nothing at WARNING or above while answering.
     */
    @Test
    void echoReturnsAContentTypeWithHtabOrObsTextAsTheSameBytesAndLogsNothing() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()
                        && String.valueOf(r.getLoggerName()).startsWith("io.ringbolt")) {
                    warnings.add(r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (String type : List.of(
                    "text/plain;\tcharset=utf-8",
                    "text/plain; charset=utf-8; title=\"caf\u00e9\"", // obs-text in a quoted parameter value
                    "text/plain; name=caf\u00e9")) { // ... and in a token, which §8.3 does not allow: mirrored all the same
                String reply = exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: " + type
                        + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"); // ISO-8859-1: é is the byte 0xE9
                assertThat(reply).as(type).startsWith("HTTP/1.1 200 ")
                        .contains("\r\nContent-Type: " + type + "\r\n").endsWith("\r\n\r\nhello");
            }
        } finally {
            root.removeHandler(capture);
        }
        assertThat(warnings).as("server log records at WARNING or above").isEmpty();
    }

    @Test
    void badRequestsAreRejectedAndTheServerKeepsServing() throws Exception {
        assertThat(exchange("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n")).startsWith("HTTP/1.1 414 ");
        assertThat(exchange("GET / HTTP/1.1\r\n" + "X-A: b\r\n".repeat(200) + "\r\n")).startsWith("HTTP/1.1 431 ");
        assertThat(exchange("GET / HTTP/3.0\r\nHost: t\r\n\r\n")).startsWith("HTTP/1.1 505 ");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void slowHeadersGet408() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: t\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 408 ");
        }
    }

    /**
     * HTTPS: the app behind TLS (an openssl-made EC certificate for 127.0.0.1, PEM files as a
     * user would pass them to --tls-cert/--tls-key), spoken to by curl (ALPN picks http/1.1,
     * keep-alive across two requests, a 1 MiB upload echoed), Java's HttpClient and Python's
     * http.client with certificate verification on.
     */
    @Test
    void httpsWithCurlJavaAndPython() throws Exception {
        Processes.require("openssl", "openssl");
        Processes.require("curl", "curl");
        Processes.require("python3", "python3");
        Path dir = Files.createTempDirectory("ringbolt-it-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        HttpServer http = HttpServer.create(DemoApp.router(ArenaData.load(dataDir), 1 << 22), HttpOptions.defaults());
        var tls = io.ringbolt.engine.tls.TlsContext.fromPem(cert, key).withApplicationProtocols("http/1.1");
        Engine secure = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                .shutdownGrace(Duration.ofSeconds(2)).handler(tls.wrap(http)).start();
        String https = "https://127.0.0.1:" + secure.port();
        try {
            Path upload = dir.resolve("upload.bin");
            byte[] big = new byte[1 << 20];
            new Random(5).nextBytes(big);
            Files.write(upload, big);
            var curl = Processes.run(List.of("curl", "-sS", "-v", "--cacert", cert.toString(), https + "/plaintext",
                    "--next", "--cacert", cert.toString(), "-X", "POST", "--data-binary", "@" + upload, "-o", dir.resolve("echoed.bin").toString(),
                    https + "/echo"), Duration.ofSeconds(30));
            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.stdout()).isEqualTo("Hello, World!");
            assertThat(curl.stderr()).contains("ALPN").containsPattern("(?i)alpn.*http/1.1").contains("Re-using existing connection");
            assertThat(Files.readAllBytes(dir.resolve("echoed.bin"))).isEqualTo(big);

            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build()) {
                List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create(https + "/baseline11?a=" + i + "&b=1")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).join().body()).isEqualTo(Integer.toString(i + 1));
                }
            }

            String script = """
                    import http.client, ssl, sys
                    ctx = ssl.create_default_context(cafile=sys.argv[2])
                    c = http.client.HTTPSConnection('127.0.0.1', int(sys.argv[1]), context=ctx, timeout=10)
                    for path in ('/', '/plaintext', '/json/3'):
                        c.request('GET', path)
                        r = c.getresponse()
                        print(r.status, len(r.read()))
                    print(c.sock.version())
                    """;
            var py = Processes.run(List.of("python3", "-c", script, Integer.toString(secure.port()), cert.toString()), Duration.ofSeconds(30));
            assertThat(py.exitCode()).as(py.stderr()).isZero();
            assertThat(py.stdout().lines().toList()).hasSize(4).startsWith("200 21", "200 13").last().isEqualTo("TLSv1.3");
        } finally {
            assertThat(secure.stop(Duration.ofSeconds(5))).isTrue();
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * A slow-read attack: many pipelined requests for large responses, then the client never
     * reads. The server's output stalls at the high water mark and, with no progress for the
     * write timeout, the connection is reset; other clients are served throughout.
     */
    @Test
    void aClientThatStopsReadingIsCutOffByTheWriteTimeout() throws Exception {
        HttpServer http = HttpServer.create(DemoApp.router(ArenaData.load(dataDir), 1 << 20), HttpOptions.defaults());
        Engine second = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1)
                .writeTimeout(Duration.ofMillis(500)).shutdownGrace(Duration.ofSeconds(2)).handler(http).start();
        int requests = 2000;
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(32 * 1024);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", second.port()), 10_000);
            stalled.setSoTimeout(10_000);
            byte[] one = "GET /json/50 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < requests; i++) {
                wire.write(one);
            }
            stalled.getOutputStream().write(wire.toByteArray());
            stalled.getOutputStream().flush();

            // Meanwhile the same server answers someone else.
            try (Socket other = new Socket("127.0.0.1", second.port())) {
                other.setSoTimeout(10_000);
                other.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(other.getInputStream())).startsWith("HTTP/1.1 200 ").endsWith("Hello, World!");
            }

            Thread.sleep(1500); // three write timeouts without reading a byte: the attack itself
            long received = 0;
            int responses = 0;
            boolean ended = false;
            byte[] buf = new byte[64 * 1024];
            byte[] status = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
            try {
                InputStream in = stalled.getInputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    received += n;
                    responses += count(buf, n, status);
                }
                ended = true; // EOF
            } catch (java.net.SocketTimeoutException stillOpen) {
                ended = false;
            } catch (IOException reset) {
                ended = true; // RST from the server
            }
            assertThat(ended).as("the server ended the stalled connection (read " + received + " bytes)").isTrue();
            assertThat(responses).as("responses that reached the stalled client").isLessThan(requests);
        } finally {
            assertThat(second.stop(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static int count(byte[] buf, int length, byte[] needle) {
        int n = 0;
        for (int i = 0; i + needle.length <= length; i++) {
            if (java.util.Arrays.equals(buf, i, i + needle.length, needle, 0, needle.length)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void gracefulStopFinishesInFlightRequestsAndClosesIdleOnes() throws Exception {
        HttpServer http = HttpServer.create(DemoApp.router(ArenaData.load(dataDir), 1 << 20), HttpOptions.defaults());
        Engine second = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                .shutdownGrace(Duration.ofSeconds(5)).handler(http).start();
        try (Socket busy = new Socket("127.0.0.1", second.port()); Socket idle = new Socket("127.0.0.1", second.port())) {
            busy.setSoTimeout(10_000);
            idle.setSoTimeout(10_000);
            // One full exchange on each connection first, so both are known to the server.
            for (Socket s : new Socket[] {busy, idle}) {
                s.getOutputStream().write("GET /pipeline HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(s.getInputStream())).endsWith("\r\n\r\nok");
            }
            busy.getOutputStream().write("GET /delay/800 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> second.stop(Duration.ofSeconds(5)));
            String reply = new String(busy.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close").endsWith("800");
            assertThat(idle.getInputStream().readAllBytes()).as("idle connection closed without another byte").isEmpty();
            assertThat(stopped.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            second.close();
        }
    }

    /** Reads one response with a Content-Length body. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int contentLength = -1;
        int headEnd = -1;
        while (headEnd < 0 || b.size() < headEnd + contentLength) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF inside a response: " + b);
            }
            b.write(c);
            if (headEnd < 0 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                String head = b.toString(StandardCharsets.ISO_8859_1).toLowerCase();
                headEnd = b.size();
                contentLength = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    String exchange(String wire) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            s.getInputStream().transferTo(b);
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static List<String> bodies(String wire) throws IOException {
        List<String> out = new ArrayList<>();
        int p = 0;
        while (p < wire.length()) {
            int end = wire.indexOf("\r\n\r\n", p);
            String head = wire.substring(p, end).toLowerCase();
            int cl = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
            out.add(wire.substring(end + 4, end + 4 + cl));
            p = end + 4 + cl;
        }
        return out;
    }

    static byte[] gunzip(byte[] b) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes();
    }
}
