package io.ringbolt.examples;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hello world run as a user runs it, in a JVM of its own: on the class path with
 * {@code --enable-native-access=ALL-UNNAMED}, on the module path with
 * {@code --enable-native-access=io.ringbolt.core}, and as the shaded jar with {@code java -jar}
 * (its manifest grants native access). Each must start without the JDK's restricted-method
 * warning, print the engine's start-up line and answer {@code GET /}; the jar must run on
 * io_uring where this machine has it.
 */
@Timeout(180)
class LaunchIntegrationTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (?:\\[/)?127\\.0\\.0\\.1:(\\d+)");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void helloWorldOnTheClassPath() throws Exception {
        Launched app = launch(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.ringbolt.examples.HelloWorld"));
        assertServesHello(app);
    }

    @Test
    void helloWorldOnTheModulePath() throws Exception {
        List<String> modules = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("ringbolt-core") || e.contains("ringbolt-http")
                        || (e.contains("ringbolt-examples") && !e.contains("test-classes") && !e.endsWith("-all.jar")))
                .collect(Collectors.toList());
        assertThat(modules).hasSize(3);
        Launched app = launch(List.of("--enable-native-access=io.ringbolt.core", "-p", String.join(File.pathSeparator, modules),
                "-m", "io.ringbolt.examples/io.ringbolt.examples.HelloWorld"));
        assertServesHello(app);
    }

    @Test
    void fatJarRunsWithJavaDashJarOnIoUring() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("ringbolt-examples-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded jar in target/ (built in the package phase)"));
        }
        Launched app = launch(List.of("-jar", jar.toString()));
        assertServesHello(app);
        if (!ioUringWorksHere()) {
            Assumptions.abort("io_uring is unavailable on this machine; the jar served on " + app.statusLine);
        }
        assertThat(app.statusLine).contains("backend=io_uring");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    record Launched(int port, String statusLine, List<String> earlierLines) {
    }

    /** Starts {@code java -Dport=0 args}, waits for the engine's start-up line on stderr, returns the port. */
    private Launched launch(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dport=0");
        command.add("-Xmx256m");
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!p.isAlive()) {
                    throw new AssertionError("exited with " + p.exitValue() + ": " + seen);
                }
                continue;
            }
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return new Launched(Integer.parseInt(m.group(1)), line, seen);
            }
            seen.add(line);
        }
        throw new AssertionError("no start-up line within 90 s: " + seen + " from " + command);
    }

    private static void assertServesHello(Launched app) throws Exception {
        assertThat(app.earlierLines).as("output before the start-up line")
                .noneMatch(l -> l.contains("restricted method") || l.contains("enable-native-access"));
        HttpResponse<String> r = Servers.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + "/"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello, world!\n");
    }

    private static boolean ioUringWorksHere() {
        try (Engine probe = Engine.builder().backend(Backend.IO_URING).reactors(1).start()) {
            return probe.backend() == Backend.IO_URING;
        } catch (BackendUnavailableException e) {
            return false;
        }
    }
}
