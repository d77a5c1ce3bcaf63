package io.ringbolt.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./ringbolt dist}: the launcher's jlink step (on the jars this build just packaged) makes
 * an image that starts with neither a JDK nor Maven on the PATH, serves on both backends,
 * speaks br (the native provider is linked in) and holds only the JDK modules it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class DistIntegrationTest {
    Path work;
    Path image;

    @BeforeAll
    void buildImage() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        work = Files.createTempDirectory("ringbolt-dist-it");
        image = work.resolve("image");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("ringbolt").toString(), "dist", image.toString())
                .directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("RINGBOLT_DIST_PREBUILT", "1");
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./ringbolt dist did not finish in 3 minutes");
        }
        assertThat(p.exitValue()).as(out.join()).isZero();
    }

    @AfterAll
    void delete() throws IOException {
        if (work != null) {
            try (var walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void theImageHoldsOurModulesAndOnlyTheJdkModulesTheyNeed() throws Exception {
        var r = Processes.run(List.of(image.resolve("bin/java").toString(), "--list-modules"), Duration.ofSeconds(30));
        List<String> modules = r.stdout().lines().map(l -> l.replaceFirst("@.*", "")).toList();
        assertThat(modules).contains("io.ringbolt.server", "io.ringbolt.http", "io.ringbolt.core", "info.picocli",
                "com.aayushatharva.brotli4j", "com.aayushatharva.brotli4j.linux.x86_64");
        assertThat(modules.stream().filter(m -> m.startsWith("java.") || m.startsWith("jdk.")))
                .containsExactlyInAnyOrder("java.base", "java.logging", "jdk.unsupported"); // sun.misc.Signal: SIGHUP reopens the access log
        assertThat(image.resolve("bin/ringbolt-serve")).isExecutable();
        assertThat(image.resolve("bin/javac")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void theImageServesWithoutAJdkOnThePath(String backend) throws Exception {
        Path data = Files.createDirectories(work.resolve("data-" + backend));
        ServeIntegrationSuite.writeDataset(data);
        ProcessBuilder pb = new ProcessBuilder(image.resolve("bin/ringbolt-serve").toString(), "--port", "0",
                "--reactors", "1", "--backend", backend, "--data-dir", data.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("RINGBOLT_HEAP", "128m");
        env.put("RINGBOLT_DRAIN_DELAY", "0s");
        Process server = pb.start();
        StringBuffer output = new StringBuffer();
        try {
            int port = awaitPort(server, output);
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/plaintext")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.body()).isEqualTo("Hello, World!");
            // The native Brotli provider is a service jlink links only when named: br proves it is in.
            HttpResponse<byte[]> br = client.send(HttpRequest.newBuilder(URI.create(base + "/json/20"))
                    .header("Accept-Encoding", "br").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(br.statusCode()).isEqualTo(200);
            assertThat(br.headers().firstValue("Content-Encoding")).as(output.toString()).hasValue("br");
            assertThat(output.toString()).contains("backend=" + backend).contains("(50 items")
                    .doesNotContain("br compression off").doesNotContain("Exception");
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as(output.toString()).isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    private static int awaitPort(Process child, StringBuffer output) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Pattern listening = Pattern.compile("listening on (?:\\[/|http://)?127\\.0\\.0\\.1:(\\d+)");
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.append(line).append('\n');
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            }
            port.completeExceptionally(new AssertionError("the image exited before listening:\n" + output));
        });
        return port.get(60, TimeUnit.SECONDS);
    }
}
