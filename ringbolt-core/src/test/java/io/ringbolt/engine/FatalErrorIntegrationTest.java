package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reactor that dies must not leave a zombie behind. Regression: under heap exhaustion both
 * reactor threads died with OutOfMemoryError while the process lived on, holding ~2,900
 * descriptors and its port, serving nothing and ignoring SIGTERM. Now an Error escaping a
 * reactor reaches the {@link FatalErrorHandler}; the default ends the process with status 70.
 */
@Timeout(120)
class FatalErrorIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anErrorThrownByAHandlerEndsTheProcessWithANonZeroStatus(Backend backend) throws Exception {
        assertChildExitsWithStatus70(backend, "handler");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anErrorThrownByAReactorTaskEndsTheProcessWithANonZeroStatus(Backend backend) throws Exception {
        assertChildExitsWithStatus70(backend, "task");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aCustomHandlerIsToldWhichReactorDiedAndWhy(Backend backend) throws Exception {
        CompletableFuture<String> told = new CompletableFuture<>();
        Engine engine = TestEngines.loopback(backend, c -> (connection, data) -> {
                    throw new StackOverflowError("injected by the test");
                })
                .reactors(1)
                .fatalErrorHandler((thread, error) -> told.complete(thread + ": " + error))
                .start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), engine.port())) {
            s.getOutputStream().write('x');
            assertThat(told.get(20, TimeUnit.SECONDS)).contains("-reactor-0").contains("StackOverflowError");
        } finally {
            engine.stop(Duration.ofSeconds(1));
        }
    }

    private static void assertChildExitsWithStatus70(Backend backend, String mode) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", ChildJvms.location(Engine.class) + java.io.File.pathSeparator + ChildJvms.location(FatalErrorChild.class),
                FatalErrorChild.class.getName(), backend.name(), mode);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("PORT=")) {
                    port = Integer.parseInt(line.substring(5).trim());
                }
            }
            assertThat(port).as("child started; output:\n" + output).isPositive();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write('x');
                s.getOutputStream().flush();
                boolean exited = child.waitFor(30, TimeUnit.SECONDS);
                lines.lines().forEach(l -> output.append(l).append('\n'));
                assertThat(exited).as("child exited; output:\n" + output).isTrue();
            }
            assertThat(child.exitValue()).as("exit status; output:\n" + output).isEqualTo(FatalErrorHandler.EXIT_STATUS);
            assertThat(output).contains("FATAL").doesNotContain("STILL ALIVE");
        } finally {
            child.destroyForcibly();
        }
    }

}
