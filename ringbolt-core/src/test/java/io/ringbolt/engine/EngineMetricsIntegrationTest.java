package io.ringbolt.engine;

import io.ringbolt.engine.runtime.AbstractReactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Engine#metrics()} on both backends: counters move with real loopback traffic. */
@Timeout(60)
class EngineMetricsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    private static Engine.Builder twoReactors(Backend backend, HandlerFactory handler) {
        return TestEngines.loopback(backend, handler).reactors(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectionsBytesAndCloseReasonsAreCounted(Backend backend) throws Exception {
        try (Engine engine = twoReactors(backend, c -> new EchoTestHandler()).start()) {
            EngineMetrics before = engine.metrics();
            assertThat(before.get(Counter.CONNECTIONS_OPEN)).isZero();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = Clients.connect(TestEngines.address(engine));
                sockets.add(s);
                Clients.assertEcho(s, Payloads.random(1000, i));
            }
            Await.until("three open", WAIT, () -> engine.metrics().get(Counter.CONNECTIONS_OPEN) == 3, engine::metrics);
            // The client can read an echo before the reactor has reaped its send completion.
            Await.until("sends counted", WAIT, () -> engine.metrics().get(Counter.BYTES_SENT) == 3000, engine::metrics);
            EngineMetrics open = engine.metrics();
            assertThat(open.get(Counter.CONNECTIONS_ACCEPTED)).isEqualTo(3);
            assertThat(open.get(Counter.BYTES_RECEIVED)).isEqualTo(3000);
            assertThat(open.get(Counter.BYTES_SENT)).isEqualTo(3000);
            for (Socket s : sockets) {
                s.close();
            }
            Await.until("all closed", WAIT, () -> engine.metrics().get(Counter.CONNECTIONS_OPEN) == 0, engine::metrics);
            EngineMetrics closed = engine.metrics();
            assertThat(closed.get(Counter.CONNECTIONS_CLOSED)).isEqualTo(3);
            // A client close is an EOF, or a reset when the close raced unread echoes.
            assertThat(closed.closed(CloseReason.PEER_CLOSED) + closed.closed(CloseReason.RESET)).isEqualTo(3);
            assertBackendCounters(backend, closed);
            // The deprecated positional view reads the same counters.
            @SuppressWarnings("deprecation")
            EngineStats stats = engine.stats();
            assertThat(stats.acceptedTotal()).isEqualTo(3);
            assertThat(stats.closedTotal()).isEqualTo(3);
            assertThat(stats.bytesReceived()).isEqualTo(3000);
        }
    }

    private static void assertBackendCounters(Backend backend, EngineMetrics m) {
        if (backend == Backend.IO_URING) {
            assertThat(m.get(Counter.URING_ENTER_CALLS)).isPositive();
            assertThat(m.get(Counter.URING_SUBMISSIONS)).isPositive();
            assertThat(m.get(Counter.URING_COMPLETIONS)).isPositive();
            assertThat(m.get(Counter.NIO_SELECTS)).isZero();
        } else {
            assertThat(m.get(Counter.NIO_SELECTS)).isPositive();
            assertThat(m.get(Counter.URING_ENTER_CALLS)).isZero();
            assertThat(m.get(Counter.URING_COMPLETIONS)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void localCloseIdleTimeoutTimersAndTasksAreCounted(Backend backend) throws Exception {
        ConnectionHandler closesOnData = new ConnectionHandler() {
            @Override
            public int onData(Connection connection, ByteView data) {
                connection.close();
                return data.length();
            }
        };
        try (Engine engine = TestEngines.loopback(backend, c -> closesOnData)
                .idleTimeout(Duration.ofMillis(200)).start()) {
            try (Socket s = Clients.connect(TestEngines.address(engine))) {
                s.getOutputStream().write('x');
                Clients.assertEof(s.getInputStream());
            }
            try (Socket idle = Clients.connect(TestEngines.address(engine))) {
                Clients.assertEof(idle.getInputStream());
            }
            Await.until("both closed", WAIT, () -> engine.metrics().get(Counter.CONNECTIONS_CLOSED) == 2, engine::metrics);
            EngineMetrics m = engine.metrics();
            assertThat(m.closed(CloseReason.LOCAL)).isEqualTo(1);
            assertThat(m.closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
            // The timer is counted when its callback returns, after the close it made was counted:
            // a snapshot taken in between sees the close and not yet the timer.
            Await.until("the idle timer counted", WAIT, () -> engine.metrics().get(Counter.TIMERS_FIRED) > 0, engine::metrics);

            long tasksBefore = m.get(Counter.TASKS_RUN);
            CompletableFuture<Void> done = new CompletableFuture<>();
            engine.reactors().getFirst().execute(() -> done.complete(null));
            done.get(10, TimeUnit.SECONDS);
            Await.until("the task counted", WAIT, () -> engine.metrics().get(Counter.TASKS_RUN) > tasksBefore,
                    engine::metrics);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theSnapshotIsTheSumOfTheReactorsAndAddsUp(Backend backend) throws Exception {
        try (Engine engine = twoReactors(backend, c -> new EchoTestHandler()).start()) {
            for (int i = 0; i < 20; i++) {
                Clients.echoOnce(TestEngines.address(engine), Payloads.random(100 + i, i));
            }
            Await.until("all closed", WAIT, () -> engine.metrics().get(Counter.CONNECTIONS_CLOSED) == 20, engine::metrics);
            Await.until("sends counted", WAIT, () -> engine.metrics().get(Counter.BYTES_SENT) == expectedBytes(),
                    engine::metrics);
            EngineMetrics m = engine.metrics();
            for (Counter c : Counter.values()) {
                if (c == Counter.URING_ENTER_CALLS || c == Counter.URING_SUBMISSIONS || c == Counter.URING_COMPLETIONS
                        || c == Counter.NIO_SELECTS || c == Counter.TIMERS_FIRED || c == Counter.TASKS_RUN) {
                    continue; // idle reactors still loop; these move between two reads
                }
                long sum = 0;
                for (Reactor r : engine.reactors()) {
                    sum += ((AbstractReactor) r).counters().get(c);
                }
                assertThat(sum).as(c.name()).isEqualTo(m.get(c));
            }
            long byReason = 0;
            for (CloseReason r : CloseReason.values()) {
                byReason += m.closed(r);
            }
            assertThat(byReason).isEqualTo(m.get(Counter.CONNECTIONS_CLOSED));
            assertThat(m.get(Counter.CONNECTIONS_ACCEPTED))
                    .isEqualTo(m.get(Counter.CONNECTIONS_OPEN) + m.get(Counter.CONNECTIONS_CLOSED));
            assertThat(m.get(Counter.BYTES_RECEIVED)).isEqualTo(expectedBytes());
            assertThat(m.get(Counter.BYTES_SENT)).isEqualTo(expectedBytes());
        }
    }

    private static long expectedBytes() {
        long sum = 0;
        for (int i = 0; i < 20; i++) {
            sum += 100 + i;
        }
        return sum;
    }

    @Test
    void bufferRingExhaustionAndReArmsAreCountedOnIoUring() throws Exception {
        assumeTrue(TestBackends.all().contains(Backend.IO_URING), "io_uring unavailable here");
        try (Engine engine = TestEngines.loopback(Backend.IO_URING, c -> new EchoTestHandler())
                .bufferCount(2).bufferSize(256).start()) {
            byte[] payload = new byte[2 * 1024 * 1024];
            new Random(7).nextBytes(payload);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), engine.port())) {
                CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return s.getInputStream().readNBytes(payload.length);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < payload.length; off += 65536) {
                    out.write(payload, off, Math.min(65536, payload.length - off));
                }
                assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(payload);
            }
            EngineMetrics m = engine.metrics();
            assertThat(m.get(Counter.URING_BUFFER_EXHAUSTED)).as("ENOBUFS").isPositive();
            assertThat(m.get(Counter.URING_RECV_REARMS)).as("re-arms after ENOBUFS").isPositive();
            assertThat(m.get(Counter.BYTES_RECEIVED)).isEqualTo(payload.length);
        }
    }
}
