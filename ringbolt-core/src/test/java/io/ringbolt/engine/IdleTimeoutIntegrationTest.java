package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The idle timeout closes connections that move no bytes, and only those. */
@Timeout(30)
class IdleTimeoutIntegrationTest {
    private static final Duration IDLE = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closesTheIdleConnectionButNotTheActiveOne(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, rec).idleTimeout(IDLE).start();
             Socket idle = Clients.connect(TestEngines.address(engine));
             Socket active = Clients.connect(TestEngines.address(engine))) {
            long idleStart = System.nanoTime();
            Clients.assertEcho(idle, new byte[] {1});
            Connection idleServer = rec.awaitOpen(WAIT);
            Connection activeServer = rec.awaitOpen(WAIT);
            if (idleServer.remoteAddress().getPort() != idle.getLocalPort()) {
                Connection t = idleServer;
                idleServer = activeServer;
                activeServer = t;
            }

            // Keep one connection busy for three idle periods; the other says nothing.
            long activeUntil = System.nanoTime() + IDLE.toNanos() * 3;
            for (int i = 0; System.nanoTime() < activeUntil; i++) {
                Clients.assertEcho(active, new byte[] {(byte) i});
                TimeUnit.MILLISECONDS.sleep(IDLE.toMillis() / 4); // pacing the traffic, not waiting for a result
            }
            assertThat(rec.closeCalls(activeServer)).as("active connection closed").isZero();
            assertThat(activeServer.isOpen()).isTrue();

            Clients.assertEof(idle.getInputStream());
            assertThat(System.nanoTime() - idleStart).as("closed no earlier than the timeout")
                    .isGreaterThanOrEqualTo(IDLE.toNanos());
            Recorder.Closed first = rec.awaitClose(WAIT);
            assertThat(first.connection()).isSameAs(idleServer);
            assertThat(first.reason()).isEqualTo(CloseReason.IDLE_TIMEOUT);

            // Once it falls silent, the active one times out too.
            Clients.assertEof(active.getInputStream());
            Recorder.Closed second = rec.awaitClose(WAIT);
            assertThat(second.connection()).isSameAs(activeServer);
            assertThat(second.reason()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        }
    }
}
