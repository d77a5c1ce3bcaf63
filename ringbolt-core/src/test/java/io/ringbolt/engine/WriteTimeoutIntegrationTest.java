package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write timeout: a peer that stops reading must not hold a connection, its fd and its
 * staged output forever, neither while the connection is open nor while a graceful close waits
 * for its output to drain; a peer that reads slowly but steadily is never cut off, however long
 * the transfer takes, because the timeout counts from the last progress, not from the start.
 */
@Timeout(120)
class WriteTimeoutIntegrationTest {
    private static final int TOTAL = 32 * 1024 * 1024;
    private static final long SEED = 91;
    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** Writes {@link #TOTAL} bytes of the seeded stream as soon as the connection opens. */
    private static final class Blaster implements ConnectionHandler {
        private final boolean closeAfterWriting;

        Blaster(boolean closeAfterWriting) {
            this.closeAfterWriting = closeAfterWriting;
        }

        @Override
        public void onOpen(Connection c) {
            Payloads.Stream data = new Payloads.Stream(SEED);
            byte[] block = new byte[256 * 1024];
            for (int sent = 0; sent < TOTAL; sent += block.length) {
                data.next(block, 0, block.length);
                c.write(block);
            }
            c.flush();
            if (closeAfterWriting) {
                c.close();
            }
        }

        @Override
        public int onData(Connection c, ByteView data) {
            return data.length();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPeerThatStopsReadingIsResetAfterTheWriteTimeout(Backend backend) throws Exception {
        assertStuckPeerIsReset(backend, false);
    }

    /** Regression: close() with output still pending used to wait for the drain forever. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aGracefulCloseWaitingForItsOutputIsBoundedToo(Backend backend) throws Exception {
        assertStuckPeerIsReset(backend, true);
    }

    private static void assertStuckPeerIsReset(Backend backend, boolean closeAfterWriting) throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Recorder rec = new Recorder(c -> new Blaster(closeAfterWriting));
        try (Engine engine = TestEngines.loopback(backend, rec).writeTimeout(timeout).start();
             Socket s = smallWindowClient(engine)) {
            Connection server = rec.awaitOpen(WAIT);
            long openedNs = System.nanoTime();
            Recorder.Closed closed = rec.awaitClose(WAIT);
            long elapsedNs = System.nanoTime() - openedNs;
            assertThat(closed.connection()).isSameAs(server);
            assertThat(closed.reason()).isEqualTo(CloseReason.WRITE_TIMEOUT);
            assertThat(elapsedNs).as("closed no earlier than the timeout").isGreaterThanOrEqualTo(timeout.toNanos());
            assertThat(rec.closeCalls(server)).isEqualTo(1);

            // The client sees what the kernel had buffered, then the reset: never the whole stream.
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = s.getInputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    received += n;
                }
            } catch (IOException reset) {
                // expected: the server gave up with RST
            }
            assertThat(received).as("bytes that reached the client").isLessThan(TOTAL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aSlowButSteadyReaderIsNeverCutOff(Backend backend) throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        Recorder rec = new Recorder(c -> new Blaster(false));
        try (Engine engine = TestEngines.loopback(backend, rec).writeTimeout(timeout).start();
             Socket s = smallWindowClient(engine)) {
            Connection server = rec.awaitOpen(WAIT);
            long startNs = System.nanoTime();
            InputStream in = s.getInputStream();
            Payloads.Stream expected = new Payloads.Stream(SEED);
            byte[] got = new byte[128 * 1024];
            byte[] want = new byte[got.length];
            long total = 0;
            while (total < TOTAL) {
                int n = in.readNBytes(got, 0, got.length);
                assertThat(n).as("bytes at offset " + total).isEqualTo(got.length);
                expected.next(want, 0, n);
                int at = Arrays.mismatch(got, want);
                if (at >= 0) {
                    throw new AssertionError("stream differs at byte " + (total + at));
                }
                total += n;
                TimeUnit.MILLISECONDS.sleep(20); // pacing the reader, not waiting for a result
            }
            assertThat(System.nanoTime() - startNs).as("the transfer outlasted the timeout")
                    .isGreaterThan(2 * timeout.toNanos());
            assertThat(rec.closeCalls(server)).as("closed while the peer was reading").isZero();
            assertThat(server.isOpen()).isTrue();
        }
    }

    /** The write timer costs nothing where the peer keeps up: no timer is armed at all. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPeerThatKeepsUpNeverCostsATimer(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, rec).writeTimeout(Duration.ofSeconds(30)).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            assertNoTimerArmedBy(engine, () -> {
                for (int i = 0; i < 200; i++) {
                    Clients.assertEcho(s, Payloads.random(1024, i));
                }
            });
        }
    }

    /**
     * As above with requests that overlap the replies: the client writes small pieces without
     * waiting, so the server's next reply is staged while a send is in flight and goes out from
     * that send's completion. Such a send is submitted by the next poll, and only that poll
     * tells whether it stalled.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void overlappingRepliesToAPeerThatKeepsUpNeverCostATimer(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, rec).writeTimeout(Duration.ofSeconds(30)).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.setTcpNoDelay(true);
            s.setReceiveBufferSize(4 << 20);
            int pieces = 3_000;
            byte[] piece = Payloads.random(64, 7);
            assertNoTimerArmedBy(engine, () -> {
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < pieces; i++) {
                            s.getOutputStream().write(piece);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                byte[] got = Clients.readExactly(s.getInputStream(), pieces * piece.length);
                writer.join();
                for (int i = 0; i < pieces; i++) {
                    assertThat(Arrays.copyOfRange(got, i * piece.length, (i + 1) * piece.length)).isEqualTo(piece);
                }
            });
        }
    }

    /** Traffic for {@link #assertNoTimerArmedBy}. */
    private interface Traffic {
        void run() throws Exception;
    }

    /** Runs {@code traffic} and asserts the first reactor holds as many timers after it as before (the pool-trim tick). */
    private static void assertNoTimerArmedBy(Engine engine, Traffic traffic) throws Exception {
        var reactor = (io.ringbolt.engine.runtime.AbstractReactor) engine.reactors().getFirst();
        int before = Await.onReactor(reactor, reactor::queuedTimerCount);
        traffic.run();
        assertThat(Await.onReactor(reactor, reactor::queuedTimerCount)).as("timers on the reactor").isEqualTo(before);
    }

    /** A client with a small receive window, so the server's output stalls quickly. */
    private static Socket smallWindowClient(Engine engine) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(64 * 1024);
        s.setSoTimeout(Clients.READ_TIMEOUT_MS);
        s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
        return s;
    }
}
