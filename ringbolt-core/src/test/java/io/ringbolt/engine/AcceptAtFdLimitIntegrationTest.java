package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regression test for the log flood at EMFILE: a listener whose accepts fail because the process
 * is out of fds used to log a WARNING per retry (every 10 ms per io_uring reactor, every 100 ms
 * on NIO). A child JVM under {@code prlimit --nofile} is driven into EMFILE by connections from
 * this process and held there for a while; then the connections close and it must serve again.
 *
 * <p>The bound on the child's accept warnings follows from the limiter, not from speed: lines of
 * one kind are at least a second apart and all of them fall between the first flood connection
 * and the recovered echo, so there are at most (that span in whole seconds) + 1, plus one of
 * slack for a second kind of failure.
 */
@Timeout(120)
class AcceptAtFdLimitIntegrationTest {
    /** The child's RLIMIT_NOFILE: room for the JVM and the engine (~40 fds) and some connections. */
    private static final int CHILD_FD_LIMIT = 128;
    /** How long the child is kept at the limit after its first accept warning. */
    private static final long HOLD_AT_LIMIT_MS = 2_500;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void acceptAtTheFdLimitLogsAFewLinesNotOnePerRetryAndServesOnceFdsFreeUp(Backend backend, AcceptMode mode) throws Exception {
        assumeTrue(ChildJvms.onPath("prlimit"), "needs prlimit (util-linux)");
        List<String> command = List.of("prlimit", "--nofile=" + CHILD_FD_LIMIT + ":" + CHILD_FD_LIMIT,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:-UsePerfData",
                "-Djava.util.logging.SimpleFormatter.format=%4$s %5$s%6$s%n", // one line per record
                "-cp", ChildJvms.location(Engine.class) + File.pathSeparator + ChildJvms.location(AcceptAtFdLimitChild.class),
                AcceptAtFdLimitChild.class.getName(), backend.displayName(), mode.name().toLowerCase(Locale.ROOT));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> readLines(child, output));
        List<Socket> flood = new ArrayList<>();
        try {
            Await.until("the child to report its port", Duration.ofSeconds(30),
                    () -> portOf(output) > 0 || !child.isAlive(), () -> output);
            assertThat(child.isAlive()).as("child running; output:\n" + String.join("\n", output)).isTrue();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), portOf(output));

            long floodStartNs = System.nanoTime();
            // More connections than the child has fds: the rest wait in the backlog, and every
            // accept attempt on them fails with EMFILE until some close.
            for (int i = 0; i < CHILD_FD_LIMIT; i++) {
                flood.add(Clients.connect(address));
            }
            Await.until("the child's first accept warning", Duration.ofSeconds(30),
                    () -> !acceptWarnings(output).isEmpty(), () -> output);
            Thread.sleep(HOLD_AT_LIMIT_MS); // the condition under test: fds stay exhausted
            for (Socket s : flood) {
                s.close();
            }
            flood.clear();
            Clients.echoOnce(address, "served again".getBytes(StandardCharsets.US_ASCII));
            long spanNs = System.nanoTime() - floodStartNs;

            child.getOutputStream().close(); // tells the child to stop
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            String all = String.join("\n", output);
            assertThat(child.exitValue()).as("child exit code; output:\n" + all).isZero();

            List<String> warnings = acceptWarnings(output);
            long bound = TimeUnit.NANOSECONDS.toSeconds(spanNs) + 2;
            assertThat(warnings.size()).as("accept warnings in %d ms at the fd limit (bound %d); output:%n%s",
                    TimeUnit.NANOSECONDS.toMillis(spanNs), bound, all).isBetween(1, (int) bound);
            assertThat(warnings).as("a later line counts what was held back")
                    .anyMatch(l -> l.matches(".*\\([0-9,]+ similar suppressed in the last [0-9,]+ (s|ms)\\)$"));
            assertThat(output).as("no errors, no stack traces").noneMatch(l -> l.startsWith("SEVERE") || l.startsWith("\tat "));
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void readLines(Process child, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                into.add(line);
            }
        } catch (IOException e) {
            into.add("(reading the child's output failed: " + e + ")");
        }
    }

    private static int portOf(List<String> output) {
        for (String line : output) {
            if (line.startsWith("PORT=")) {
                return Integer.parseInt(line.substring("PORT=".length()));
            }
        }
        return -1;
    }

    /** WARNING lines about failed accepts (io_uring names the errno, NIO the JDK's message). */
    private static List<String> acceptWarnings(List<String> output) {
        return output.stream().filter(l -> l.startsWith("WARNING") && l.contains("accept")).toList();
    }


}
