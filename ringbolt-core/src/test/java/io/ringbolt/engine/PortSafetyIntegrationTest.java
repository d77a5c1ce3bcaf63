package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16, port safety: SO_REUSEPORT used to let a second server on the same port silently join
 * the first one's sockets (the default REUSEPORT accept mode). Now a start on a port another
 * socket listens on fails with a {@link BindException} naming the address and the opt-in, in
 * every accept mode and on every backend, and leaves the first server serving; with
 * {@link Engine.Builder#shareListenPort} on both sides the two share the port. Checked against a
 * second engine in this JVM and against a child JVM.
 */
@Timeout(120)
class PortSafetyIntegrationTest {
    /** Connections tried, at most, until both sharing servers answered at least once. */
    private static final int MAX_SHARE_ATTEMPTS = 400;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void aSecondEngineOnAHeldPortFailsAndTheFirstServesOn(Backend backend, AcceptMode mode) throws Exception {
        for (AcceptMode firstMode : AcceptMode.values()) {
            try (Engine first = engine(backend, firstMode, 0, false, "first")) {
                int port = first.port();
                assertThatThrownBy(() -> engine(backend, mode, port, false, "second").close())
                        .as("second engine (%s) on the port of the first (%s)", mode, firstMode)
                        .isInstanceOf(UncheckedIOException.class)
                        .hasCauseInstanceOf(BindException.class)
                        .hasMessageContaining("127.0.0.1:" + port)
                        .hasMessageContaining("address already in use")
                        .hasMessageContaining("--share-port");
                assertThat(greetingAt(port)).isEqualTo("first");
                assertThat(first.stats().acceptedTotal()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void aRestartOnThePortOfAStoppedEngineIsNotFooledByTimeWait(Backend backend, AcceptMode mode) throws Exception {
        int port;
        try (Engine first = engine(backend, mode, 0, false, "first")) {
            port = first.port();
            // The server closes first, so its side of each connection stays in TIME_WAIT on the port.
            for (int i = 0; i < 3; i++) {
                assertThat(greetingAt(port)).isEqualTo("first");
            }
        }
        assertThat(timeWaitOn(port)).as("connections in TIME_WAIT on the port (ss -tan)").isPositive();
        try (Engine restarted = engine(backend, mode, port, false, "restarted")) {
            assertThat(greetingAt(restarted.port())).isEqualTo("restarted");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void twoEnginesThatBothOptInShareThePort(Backend backend, AcceptMode mode) throws Exception {
        try (Engine first = engine(backend, mode, 0, true, "first");
             Engine second = engine(backend, mode, first.port(), true, "second")) {
            assertThat(second.port()).isEqualTo(first.port());
            assertThat(greetingsUntilBothAnswered(first.port(), List.of("first", "second"))).containsOnly("first", "second");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void anOptInDoesNotJoinAHolderWithoutSoReuseport(Backend backend, AcceptMode mode) throws Exception {
        // The opt-in on the newcomer alone is not enough where the holder has no SO_REUSEPORT.
        try (Engine first = engine(backend, AcceptMode.ACCEPTOR, 0, false, "first")) {
            assertThatThrownBy(() -> engine(backend, mode, first.port(), true, "second").close())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port())
                    .hasMessageContaining("does not share it");
            assertThat(greetingAt(first.port())).isEqualTo("first");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void aSecondProcessOnAHeldPortFails(Backend backend, AcceptMode mode) throws Exception {
        try (Engine first = engine(backend, AcceptMode.REUSEPORT, 0, false, "first")) {
            Child child = Child.start(backend, mode, first.port(), false);
            try {
                assertThat(child.ended(Duration.ofSeconds(60))).as("child ended; output: %s", child.output).isTrue();
                assertThat(child.process.exitValue()).as("child exit status; output: %s", child.output).isEqualTo(3);
                assertThat(String.join("\n", child.output))
                        .contains("FAILED=")
                        .contains("127.0.0.1:" + first.port())
                        .contains("--share-port");
            } finally {
                child.stop();
            }
            assertThat(greetingAt(first.port())).isEqualTo("first");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void twoProcessesThatBothOptInShareThePort(Backend backend, AcceptMode mode) throws Exception {
        try (Engine first = engine(backend, mode, 0, true, "parent")) {
            Child child = Child.start(backend, mode, first.port(), true);
            try {
                Await.until("the child to report its port", Duration.ofSeconds(60),
                        () -> child.port() > 0 || !child.process.isAlive(), () -> child.output);
                assertThat(child.port()).as("child's port; output: %s", child.output).isEqualTo(first.port());
                assertThat(greetingsUntilBothAnswered(first.port(), List.of("parent", "child")))
                        .containsOnly("parent", "child");
            } finally {
                child.stop();
            }
            assertThat(greetingAt(first.port())).as("the parent after the child stopped").isEqualTo("parent");
        }
    }

    /** A handler that writes {@code name} to every new connection and closes it. */
    static ConnectionHandler greeter(String name) {
        byte[] greeting = name.getBytes(StandardCharsets.US_ASCII);
        return new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.writeAndFlush(greeting);
                connection.close();
            }

            @Override
            public int onData(Connection connection, ByteView data) {
                return data.length();
            }
        };
    }

    private static Engine engine(Backend backend, AcceptMode mode, int port, boolean share, String name) {
        return Engine.builder()
                .backend(backend)
                .acceptMode(mode)
                .reactors(2)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .shareListenPort(share)
                .shutdownGrace(Duration.ofSeconds(2))
                .threadNamePrefix(TestEngines.uniquePrefix())
                .handler(c -> greeter(name))
                .start();
    }

    private static String greetingAt(int port) throws Exception {
        try (Socket s = Clients.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return new String(Clients.readToEof(s.getInputStream()), StandardCharsets.US_ASCII);
        }
    }

    /** How many TCP sockets sit in TIME_WAIT with local port {@code port}, by {@code ss}; -1 without ss. */
    private static int timeWaitOn(int port) throws Exception {
        if (!ChildJvms.onPath("ss")) {
            return -1;
        }
        Process p = new ProcessBuilder("ss", "-Htan", "state", "time-wait", "sport", "= :" + port).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /** Connects until every one of {@code names} greeted once (bounded); returns the greetings seen. */
    private static List<String> greetingsUntilBothAnswered(int port, List<String> names) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < MAX_SHARE_ATTEMPTS && !seen.containsAll(names); i++) {
            seen.add(greetingAt(port));
        }
        assertThat(seen).as("greetings of %d connections", seen.size()).containsAll(names);
        return seen;
    }

    /** A child JVM running {@link PortHolderChild}; its output lines are collected. */
    private record Child(Process process, List<String> output, Thread reader) {
        static Child start(Backend backend, AcceptMode mode, int port, boolean share) throws Exception {
            List<String> command = List.of(ChildJvms.java(), "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData",
                    "-cp", ChildJvms.location(Engine.class) + File.pathSeparator + ChildJvms.location(PortHolderChild.class),
                    PortHolderChild.class.getName(), backend.displayName(), mode.name().toLowerCase(Locale.ROOT),
                    Integer.toString(port), Boolean.toString(share));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.add(line);
                    }
                } catch (java.io.IOException e) {
                    output.add("(reading the child's output failed: " + e + ")");
                }
            });
            return new Child(p, output, reader);
        }

        /** Waits for the child to end and for its output to be read to the end (the exit can come first). */
        boolean ended(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            reader.join(Duration.ofSeconds(10));
            return true;
        }

        int port() {
            return output.stream().filter(l -> l.startsWith("PORT=")).mapToInt(l -> Integer.parseInt(l.substring(5)))
                    .findFirst().orElse(-1);
        }

        /** Closes the child's stdin (it stops gracefully) and waits; kills it if it hangs. */
        void stop() throws Exception {
            try {
                process.getOutputStream().close();
            } catch (java.io.IOException ignored) {
                // already gone
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
