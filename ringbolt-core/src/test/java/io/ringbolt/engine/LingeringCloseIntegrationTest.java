package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that answers and closes while the client is still sending (an HTTP 400 in the middle
 * of an upload) must not destroy its answer with a reset: the engine sends FIN, drops the
 * peer's late bytes until its EOF (or the linger timeout), then closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LingeringCloseIntegrationTest {
    private static final byte[] ANSWER = "ERR too big\n".getBytes(StandardCharsets.US_ASCII);
    /** Large enough to still sit in the server's send queue when it closes. */
    private static final byte[] BIG_ANSWER = Payloads.random(16 * 1024 * 1024, 11);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** Answers the first bytes and closes, leaving the rest of the upload unread. */
    static final class RejectingHandler implements ConnectionHandler {
        @Override
        public int onData(Connection c, ByteView data) {
            c.write(ANSWER);
            c.close();
            return data.length();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void answerSurvivesWhenTheClientIsStillSending(Backend backend) throws Exception {
        // Without the lingering close this fails: the client's bytes that reach a closed socket
        // make the kernel reset it, and the answer's tail still in the send queue is dropped.
        Recorder rec = new Recorder(c -> new ConnectionHandler() {
            private boolean answered;

            @Override
            public int onData(Connection conn, ByteView data) {
                if (!answered) {
                    answered = true;
                    conn.write(BIG_ANSWER);
                    conn.close();
                }
                return data.length();
            }
        });
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 1024; i++) {
                        out.write(block);
                    }
                    s.shutdownOutput();
                } catch (IOException expectedOnceTheServerIsGone) {
                    // The test is about what the client reads, not whether all writes land.
                }
            }, r -> Thread.ofVirtual().start(r));
            InputStream in = s.getInputStream();
            byte[] got = Clients.readExactly(in, BIG_ANSWER.length);
            assertThat(java.util.Arrays.mismatch(got, BIG_ANSWER)).as("first differing byte").isEqualTo(-1);
            Clients.assertEof(in);
            writer.get(30, TimeUnit.SECONDS);
            Recorder.Closed closed = rec.awaitClose(Duration.ofSeconds(10));
            assertThat(closed.reason()).isEqualTo(CloseReason.LOCAL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lingerEndsAtTheTimeoutWhenThePeerNeverCloses(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new RejectingHandler());
        try (Engine engine = TestEngines.loopback(backend, rec).lingerTimeout(Duration.ofMillis(200)).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write(new byte[]{1});
            InputStream in = s.getInputStream();
            assertThat(Clients.readExactly(in, ANSWER.length)).isEqualTo(ANSWER);
            Clients.assertEof(in); // FIN arrives at once; the client keeps its side open
            Recorder.Closed closed = rec.awaitClose(Duration.ofSeconds(10));
            assertThat(closed.reason()).isEqualTo(CloseReason.LOCAL);
            assertThat(engine.stats().openConnections()).isZero();
        }
    }

    /**
     * Regression: io_uring runs IORING_OP_SHUTDOWN on a worker thread and looks its fd up only
     * there, so a lingering close's FIN could land after the peer's quick EOF had closed the
     * socket and the next accept had reused the number: the new connection's output was shut
     * down and its first answer failed with EPIPE. The shutdown is now a direct system call. The
     * race is likeliest on a fresh ring (its first worker thread starts slowly), hence a fresh
     * engine per round.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aReusedDescriptorIsNotShutDownByTheLingeringCloseBeforeIt(Backend backend) throws Exception {
        byte[] question = {'?'};
        for (int round = 0; round < 25; round++) {
            try (Engine engine = TestEngines.loopback(backend, c -> new RejectingHandler()).start()) {
                try (Socket first = Clients.connect(TestEngines.address(engine))) {
                    first.getOutputStream().write(question);
                    assertThat(Clients.readExactly(first.getInputStream(), ANSWER.length)).isEqualTo(ANSWER);
                } // closes at once: the server sees EOF while its FIN may still be on its way
                try (Socket second = Clients.connect(TestEngines.address(engine))) {
                    second.getOutputStream().write(question);
                    byte[] answer = second.getInputStream().readNBytes(ANSWER.length);
                    assertThat(answer).as("round " + round + ": the next connection's answer").isEqualTo(ANSWER);
                }
            }
        }
    }
}
