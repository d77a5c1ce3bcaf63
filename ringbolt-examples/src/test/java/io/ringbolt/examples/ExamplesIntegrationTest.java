package io.ringbolt.examples;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example of this module on a free loopback port, on io_uring and on NIO, checked with
 * Java's HttpClient or a socket: what a user who copies it gets.
 */
@Timeout(120)
class ExamplesIntegrationTest {
    static List<Backend> backends() {
        return Servers.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void routerParamsAndMiddleware(Backend backend) throws Exception {
        try (Engine engine = Servers.start(backend, HttpServer.create(RouterExample.routes()))) {
            HttpResponse<String> user = Servers.get(engine, "/users/42?fields=name,email");
            assertThat(user.statusCode()).isEqualTo(200);
            assertThat(user.body()).isEqualTo("user 42 name,email\n");
            assertThat(user.headers().firstValue("server-timing")).hasValueSatisfying(v -> assertThat(v).startsWith("app;dur="));
            assertThat(Servers.get(engine, "/users/abc").statusCode()).isEqualTo(400);
            assertThat(Servers.get(engine, "/files/docs/a%20b.txt").body()).isEqualTo("file docs/a b.txt\n");
            HttpResponse<String> locked = Servers.get(engine, "/admin/stats");
            assertThat(locked.statusCode()).isEqualTo(401);
            assertThat(locked.headers().firstValue("server-timing")).isPresent(); // the global middleware ran around it
            assertThat(Servers.get(engine, "/admin/stats", "X-Api-Key", "secret").body()).isEqualTo("all good\n");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void blockingRouteRunsOnAVirtualThread(Backend backend) throws Exception {
        try (Engine engine = Servers.start(backend, HttpServer.create(BlockingRoutes.routes()))) {
            assertThat(Servers.get(engine, "/report/7").body()).isEqualTo("report 7 from a virtual thread: true\n");
            assertThat(Servers.get(engine, "/quick").body()).isEqualTo("quick\n");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void staticSiteServesFilesWithValidatorsAndRanges(Backend backend, @TempDir Path root) throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello, file\n");
        Files.write(root.resolve("model.glb"), new byte[] {1, 2, 3});
        try (Engine engine = Servers.start(backend, HttpServer.create(StaticSite.routes(root)))) {
            HttpResponse<String> file = Servers.get(engine, "/static/hello.txt");
            assertThat(file.body()).isEqualTo("hello, file\n");
            assertThat(file.headers().firstValue("cache-control")).hasValue("public, max-age=3600");
            String etag = file.headers().firstValue("etag").orElseThrow();
            assertThat(Servers.get(engine, "/static/hello.txt", "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(Servers.get(engine, "/static/hello.txt", "Range", "bytes=0-4").body()).isEqualTo("hello");
            assertThat(Servers.get(engine, "/static/model.glb").headers().firstValue("content-type"))
                    .hasValue("model/gltf-binary");
            assertThat(Servers.get(engine, "/static/%2e%2e/pom.xml").statusCode()).isIn(400, 404);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tlsServerAnswersOverHttps(Backend backend, @TempDir Path dir) throws Exception {
        SelfSignedPem cert = SelfSignedPem.create(dir);
        try (Engine engine = Servers.start(backend, TlsServer.https(cert.certificate(), cert.privateKey()))) {
            HttpClient https = HttpClient.newBuilder().sslContext(cert.trustingContext())
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + engine.port() + "/"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Hello over TLS!\n");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void streamingRequestAndResponseBodies(Backend backend) throws Exception {
        try (Engine engine = Servers.start(backend, HttpServer.create(StreamingBodies.routes()))) {
            byte[] upload = new byte[5 << 20];
            new Random(5).nextBytes(upload);
            CRC32 crc = new CRC32();
            crc.update(upload);
            HttpResponse<String> up = Servers.CLIENT.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + engine.port() + "/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.body()).isEqualTo(upload.length + " bytes, crc32 " + Long.toHexString(crc.getValue()) + "\n");

            HttpResponse<String> count = Servers.get(engine, "/count/1000");
            assertThat(count.headers().firstValue("transfer-encoding")).hasValue("chunked");
            assertThat(count.body()).isEqualTo(LongStream.rangeClosed(1, 1000).mapToObj(i -> i + "\n").collect(Collectors.joining()));

            HttpResponse<byte[]> zeros = Servers.CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + engine.port() + "/zeros/3000001")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zeros.headers().firstValue("content-length")).hasValue("3000001");
            assertThat(zeros.body()).hasSize(3_000_001);
            assertThat(Arrays.equals(zeros.body(), new byte[3_000_001])).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoHandlerAndOutboundConnect(Backend backend) throws Exception {
        try (Engine server = Servers.start(backend, connection -> new EchoServer.Echo())) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
            }
            try (Engine client = Engine.builder().backend(backend).reactors(1).start()) {
                assertThat(Client.ask(client, new InetSocketAddress("127.0.0.1", server.port()), "hello")).isEqualTo("hello");
            }
        }
    }

    /** A self-signed certificate for localhost by the JDK's keytool, as PEM files, and a client context trusting it. */
    record SelfSignedPem(Path certificate, Path privateKey, KeyStore store) {
        static final char[] PASSWORD = "ringbolt-example".toCharArray();

        static SelfSignedPem create(Path dir) throws Exception {
            Path p12 = dir.resolve("server.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-validity", "2", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                    "-keystore", p12.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                    .redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
            KeyStore store = KeyStore.getInstance(p12.toFile(), PASSWORD);
            Path cert = dir.resolve("server.crt");
            Path key = dir.resolve("server.key");
            Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("server").getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY", store.getKey("server", PASSWORD).getEncoded()));
            return new SelfSignedPem(cert, key, store);
        }

        static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        SSLContext trustingContext() throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", store.getCertificate("server"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }
    }
}
