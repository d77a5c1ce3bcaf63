package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Many connections at once, and many in a row: all served, nothing leaks. */
class ManyConnectionsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @Timeout(120)
    void thousandConcurrentConnectionsAllEcho(Backend backend) throws Exception {
        int clients = 1000;
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            InetSocketAddress address = TestEngines.address(engine);
            CountDownLatch allConnected = new CountDownLatch(clients);
            CountDownLatch release = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] message = ("client " + i + " says hello").getBytes(StandardCharsets.US_ASCII);
                results.add(pool.submit(() -> {
                    try (Socket s = Clients.connect(address)) {
                        Clients.assertEcho(s, message);
                        allConnected.countDown();
                        // Hold the connection so that all of them are open at the same time.
                        assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                    }
                    return null;
                }));
            }
            assertThat(allConnected.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("all clients echoed").isTrue();
            assertThat(engine.stats().openConnections()).isEqualTo(clients);
            release.countDown();
            for (Future<?> f : results) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            Await.until("every connection to close", WAIT, () -> engine.stats().openConnections() == 0, engine::stats);
            EngineStats stats = engine.stats();
            assertThat(stats.acceptedTotal()).isEqualTo(clients);
            assertThat(stats.closedTotal()).isEqualTo(clients);
            assertThat(stats.rejectedTotal()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @Timeout(180)
    void tenThousandConnectCloseCyclesLeakNothing(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        int cycles = 10_000;
        // Warm up with a whole engine first: the first one loads classes and opens jars, which
        // holds fds for the life of the JVM and would otherwise look like a leak.
        try (Engine warmUp = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            churn(warmUp, 200);
        }
        int fdsWithoutEngine = Fds.openCount();
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            churn(engine, 100);
            int fdsRunning = Fds.openCount();

            churn(engine, cycles);

            EngineStats stats = engine.stats();
            assertThat(stats.acceptedTotal()).isEqualTo(cycles + 100);
            assertThat(stats.closedTotal()).isEqualTo(stats.acceptedTotal());
            assertThat(stats.openConnections()).isZero();
            // Exact, while the engine runs: a closed channel's fd goes at the reactor's next
            // select at the latest, so a count that stays above the baseline is a leak.
            Await.until("fds of the running engine back to " + fdsRunning, Duration.ofSeconds(10),
                    () -> Fds.openCount() == fdsRunning, Fds::openCount);
        }
        // And the engine's own fds (selector, listener) are gone after stop.
        assertThat(Fds.openCount()).isEqualTo(fdsWithoutEngine);
    }

    /** {@code cycles} connect / one-byte echo / close rounds from a few threads in parallel. */
    private static void churn(Engine engine, int cycles) throws Exception {
        int workers = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            InetSocketAddress address = TestEngines.address(engine);
            List<Future<?>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < cycles / workers; i++) {
                        try (Socket s = Clients.connect(address)) {
                            s.getOutputStream().write(i);
                            assertThat(s.getInputStream().read()).isEqualTo(i & 0xFF);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
            }
        }
        Await.until("every connection to close", WAIT, () -> engine.stats().openConnections() == 0, engine::stats);
        // A backend may release a closed socket's fd a little later (NIO: at the next select);
        // after two loop round trips every reactor has been through that point.
        Await.quiesce(engine);
    }
}
