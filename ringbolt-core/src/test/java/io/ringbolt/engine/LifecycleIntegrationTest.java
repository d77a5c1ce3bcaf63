package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starting, stopping (gracefully or not) and failing to start, without leaking threads or fds. */
@Timeout(60)
class LifecycleIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void startAndStopTwentyTimesLeavesNoThreadsOrFds(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        cycle(backend, AcceptMode.REUSEPORT); // warm-up: class loading opens jars for good
        cycle(backend, AcceptMode.ACCEPTOR);
        int fdsBefore = Fds.openCount();
        for (int i = 0; i < 20; i++) {
            cycle(backend, i % 2 == 0 ? AcceptMode.REUSEPORT : AcceptMode.ACCEPTOR);
        }
        assertThat(Fds.openCount()).as("open fds").isEqualTo(fdsBefore);
    }

    private static void cycle(Backend backend, AcceptMode mode) throws Exception {
        String prefix = TestEngines.uniquePrefix();
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler())
                .reactors(2).acceptMode(mode).threadNamePrefix(prefix).start()) {
            assertThat(Threads.alive(prefix + "-reactor-")).containsExactly(prefix + "-reactor-0", prefix + "-reactor-1");
            try (Socket s = Clients.connect(TestEngines.address(engine))) {
                Clients.assertEcho(s, "cycle".getBytes(StandardCharsets.US_ASCII));
            }
        }
        // stop() blocks until every engine thread has ended.
        assertThat(Threads.alive(prefix + "-")).as("threads of a stopped engine").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gracefulStopLetsHandlersFinish(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new EchoTestHandler() {
            @Override
            public void onShutdown(Connection connection) {
                // Finish "the request in progress": say goodbye, close a little later.
                connection.write("bye".getBytes(StandardCharsets.US_ASCII));
                connection.flush();
                connection.reactor().schedule(100, TimeUnit.MILLISECONDS, connection::close);
            }
        });
        Engine engine = TestEngines.loopback(backend, rec).start();
        try (Socket s = Clients.connect(TestEngines.address(engine))) {
            Clients.assertEcho(s, "hi".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> engine.stop(Duration.ofSeconds(5)));
            InputStream in = s.getInputStream();
            assertThat(new String(Clients.readExactly(in, 3), StandardCharsets.US_ASCII)).isEqualTo("bye");
            Clients.assertEof(in);
            assertThat(stopped.get(10, TimeUnit.SECONDS)).as("clean stop").isTrue();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(rec.awaitClose(WAIT).reason()).isEqualTo(CloseReason.LOCAL);
        } finally {
            engine.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectionThatNeverClosesIsForcedAtTheGraceDeadline(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new EchoTestHandler() {
            @Override
            public void onShutdown(Connection connection) {
                // Ignore the request to finish.
            }
        });
        Engine engine = TestEngines.loopback(backend, rec).start();
        try (Socket s = Clients.connect(TestEngines.address(engine))) {
            Clients.assertEcho(s, "hi".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(engine.stop(Duration.ofMillis(300))).as("clean stop").isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(rec.awaitClose(WAIT).reason()).isEqualTo(CloseReason.SHUTDOWN);
            // Forced close is abortive: the client sees a reset (or EOF if it raced the RST).
            try {
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            } catch (java.net.SocketException e) {
                assertThat(e.getMessage()).contains("reset");
            }
        } finally {
            engine.close();
        }
        assertThat(engine.stop(Duration.ZERO)).as("stop is idempotent").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void stopWithNoConnectionsIsCleanAndQuick(Backend backend) {
        Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start();
        long start = System.nanoTime();
        assertThat(engine.stop(Duration.ofSeconds(30))).isTrue();
        assertThat(System.nanoTime() - start).as("no connection to wait for").isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void portInUseFailsNamingTheAddressAndLeavesNothingBehind(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress free = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            for (AcceptMode mode : AcceptMode.values()) {
                int fdsBefore = Fds.openCount();
                String prefix = TestEngines.uniquePrefix();
                // The first address binds, the second fails: the first must be released.
                Engine.Builder builder = Engine.builder().backend(backend).reactors(2).acceptMode(mode)
                        .threadNamePrefix(prefix).bind(free).bind(busy).handler(c -> new EchoTestHandler());
                assertThatThrownBy(builder::start)
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
                assertThat(Threads.alive(prefix + "-")).isEmpty();
                assertThat(Fds.openCount()).as("fds after a failed start (" + mode + ")").isEqualTo(fdsBefore);
            }
        }
    }
}
