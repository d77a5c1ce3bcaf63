package io.ringbolt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringbolt.engine.Backend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code serve} with HttpArena's port roles, as a child JVM on each backend: {@code --port}
 * (HTTP/1.1 and h2c), {@code --tls-port} (HTTPS, ALPN http/1.1), {@code --h2-port} (HTTPS, ALPN
 * h2 then http/1.1) and {@code --h2c-port} (cleartext HTTP/2 only), checked with curl and Java's
 * HttpClient; the start-up line names every listener.
 */
@Timeout(120)
class ServePortsIntegrationTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void everyPortSpeaksItsRole(Backend backend) throws Exception {
        Processes.require("curl", "curl");
        Processes.require("openssl", "openssl");
        Path dir = Files.createTempDirectory("ringbolt-ports");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        int[] ports = freePorts(4);
        int plain = ports[0], tls = ports[1], h2 = ports[2], h2c = ports[3];
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", Integer.toString(plain), "--tls-port", Integer.toString(tls),
                "--h2-port", Integer.toString(h2), "--h2c-port", Integer.toString(h2c), "--tls-cert", cert.toString(),
                "--tls-key", key.toString(), "--reactors", "2", "--backend", backend.name());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String line = awaitStartupLine(child);
            if (line.contains("unavailable")) {
                return; // io_uring not allowed here: the NIO run still checks everything
            }
            assertThat(line).contains("http://127.0.0.1:" + plain + "/ (HTTP/1.1, h2c)")
                    .contains("https://127.0.0.1:" + tls + "/ (HTTP/1.1)")
                    .contains("https://127.0.0.1:" + h2 + "/ (h2, HTTP/1.1)")
                    .contains("http://127.0.0.1:" + h2c + "/ (h2c only)");

            assertThat(curl("--http1.1", "http://127.0.0.1:" + plain + "/plaintext")).isEqualTo("1.1 200 Hello, World!");
            assertThat(curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain + "/plaintext")).isEqualTo("2 200 Hello, World!");
            assertThat(curl("-k", "--http2", "https://127.0.0.1:" + tls + "/plaintext")).as("ALPN http/1.1 only").isEqualTo("1.1 200 Hello, World!");
            assertThat(curl("-k", "--http2", "https://127.0.0.1:" + h2 + "/plaintext")).as("ALPN h2").isEqualTo("2 200 Hello, World!");
            assertThat(curl("-k", "--http1.1", "https://127.0.0.1:" + h2 + "/plaintext")).as("ALPN fallback").isEqualTo("1.1 200 Hello, World!");
            assertThat(curl("--http2-prior-knowledge", "http://127.0.0.1:" + h2c + "/plaintext")).isEqualTo("2 200 Hello, World!");
            try (Socket s = new Socket("127.0.0.1", h2c)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as("HTTP/1.1 on the h2c-only port").doesNotContain("200").doesNotContain("Hello");
            }
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll()).build()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h2 + "/plaintext")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r.body()).isEqualTo("Hello, World!");
            }
        } finally {
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aTlsRolePortWithoutACertificateIsRefusedNamingTheFlag() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", "0", "--h2-port", Integer.toString(freePorts(1)[0]));
        var r = Processes.run(command, Duration.ofSeconds(60));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout() + r.stderr()).contains("h2-port=").contains("--tls-cert");
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "%{http_version} %{http_code} "));
        command.addAll(List.of(args));
        var r = Processes.run(command, Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String out = r.stdout();
        // -w output comes after the body: move the "version code " prefix to the front.
        int cut = out.lastIndexOf("Hello, World!");
        return cut < 0 ? out : out.substring(cut + "Hello, World!".length()) + "Hello, World!";
    }

    private static int[] freePorts(int n) throws Exception {
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

    private static String awaitStartupLine(Process child) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> found = new CompletableFuture<>();
        StringBuffer all = new StringBuffer();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                String l;
                while ((l = lines.readLine()) != null) {
                    all.append(l).append('\n');
                    if (l.contains("listening on") || l.contains("unavailable")) {
                        found.complete(l);
                    }
                }
                found.completeExceptionally(new IllegalStateException("serve exited:\n" + all));
            } catch (Exception e) {
                found.completeExceptionally(e);
            }
        });
        return found.get(60, TimeUnit.SECONDS);
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
