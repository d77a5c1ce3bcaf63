package io.ringbolt.engine;

import io.ringbolt.engine.runtime.AbstractReactor;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that writes far more than it reads must not grow server memory: the echo handler
 * pauses reading when pending output crosses the high water mark, so the kernel's socket
 * buffers push back on the client.
 */
@Timeout(120)
class BackpressureIntegrationTest {
    private static final int LOW = 32 * 1024;
    private static final int HIGH = 256 * 1024;
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int MAX_KEPT = 4 * 1024 * 1024;
    private static final int CHUNK_SIZE = 16 * 1024;
    private static final int TOTAL = 64 * 1024 * 1024;
    private static final long SEED = 64;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void slowReaderKeepsServerMemoryBounded(Backend backend) throws Exception {
        // Echo, and sample the reactor's chunk memory after every write: output chunks are all
        // this connection holds (echo keeps no input).
        AtomicLong maxChunkBytes = new AtomicLong();
        Recorder rec = new Recorder(c -> new EchoTestHandler() {
            @Override
            public int onData(Connection connection, ByteView data) {
                int n = super.onData(connection, data);
                var pool = ((AbstractReactor) connection.reactor()).chunkPool();
                maxChunkBytes.accumulateAndGet((long) pool.inUse() * pool.chunkSize(), Math::max);
                return n;
            }
        });
        // NIO stops reading the moment the handler pauses. io_uring's multishot recv may already
        // have moved more socket data into our buffers before its cancel lands; those bytes
        // are kept (never beyond max-receive-buffer, or the connection would close with
        // OVERFLOW and the byte-exact check below would fail) and presented on resume. After
        // that first pause the connection receives one buffer per arm, so it happens once.
        long firstPauseAllowance = backend == Backend.IO_URING ? MAX_KEPT : 0;
        long bound = HIGH + BUFFER_SIZE + CHUNK_SIZE + firstPauseAllowance;
        try (Engine engine = TestEngines.loopback(backend, rec)
                .writeWaterMarks(LOW, HIGH)
                .maxReceiveBufferBytes(MAX_KEPT)
                .bufferSize(BUFFER_SIZE)
                .start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAll(s, written),
                    r -> Thread.ofVirtual().start(r));

            // Read nothing until the server has paused reading: its output is at the high
            // water mark and everything else is queued in kernel buffers.
            Connection server = rec.awaitOpen(Duration.ofSeconds(10));
            AbstractReactor reactor = (AbstractReactor) engine.reactors().getFirst();
            // Loopback kernel buffers absorb megabytes, so the server may flush into them and
            // resume between two looks: sample on the reactor until one snapshot shows it
            // paused, and judge the bounds on that same snapshot.
            long[][] paused = new long[1][];
            Await.until("the server to stop reading", Duration.ofSeconds(30), () -> {
                long[] snap;
                try {
                    snap = Await.onReactor(reactor, () -> new long[] {
                            server.pendingWriteBytes(),
                            (long) reactor.chunkPool().inUse() * reactor.chunkPool().chunkSize(),
                            server.isReadEnabled() ? 1 : 0});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                if (snap[2] == 0 && rec.unwritableEvents() > 0) {
                    paused[0] = snap;
                    return true;
                }
                return false;
            });
            long[] snapshot = paused[0];
            assertThat(snapshot[0]).as("pending output while paused").isGreaterThan(LOW).isLessThanOrEqualTo(bound);
            assertThat(snapshot[1]).as("chunk memory in use while paused").isLessThanOrEqualTo(bound);
            assertThat(written.get()).as("the client is held back").isLessThan(TOTAL);

            // Now drain: every byte arrives, in order, while backpressure keeps toggling.
            readAndVerify(s.getInputStream());
            writer.get();
            assertThat(rec.maxPendingWriteBytes()).as("most output ever pending").isLessThanOrEqualTo(bound);
            // Pending bytes span at most (chunk - 1) + high + buffer from the head chunk's start;
            // with high and buffer whole chunks that fits in bound's worth of chunks.
            assertThat(maxChunkBytes.get()).as("most chunk memory ever in use").isLessThanOrEqualTo(bound);
            assertThat(engine.stats().bytesSent()).isEqualTo(TOTAL);
        }
    }

    /**
     * Regression: a handler that stops consuming pipelined requests while unwritable (keeping
     * the rest) and resumes reading when writable must get its kept requests presented again,
     * even though the peer, waiting for responses, sends nothing more.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void keptRequestsArePresentedAgainWhenReadingResumes(Backend backend) throws Exception {
        int requests = 64;
        byte[] response = Payloads.random(64 * 1024, 7);
        ConnectionHandler pipelined = new ConnectionHandler() {
            @Override
            public int onData(Connection c, ByteView data) {
                int answered = 0;
                while (answered < data.length() && c.isWritable()) {
                    c.write(response);
                    answered++;
                }
                c.flush();
                return answered; // one byte per request; the unanswered ones are kept
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                c.setReadEnabled(writable);
            }
        };
        try (Engine engine = TestEngines.loopback(backend, c -> pipelined).writeWaterMarks(LOW, HIGH).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write(new byte[requests]); // all requests at once, then only read
            InputStream in = s.getInputStream();
            for (int i = 0; i < requests; i++) {
                byte[] got = Clients.readExactly(in, response.length);
                assertThat(java.util.Arrays.equals(got, response)).as("response " + i).isTrue();
            }
        }
    }

    private static void writeAll(Socket s, AtomicLong written) {
        Payloads.Stream data = new Payloads.Stream(SEED);
        byte[] block = new byte[64 * 1024];
        try {
            OutputStream out = s.getOutputStream();
            for (int sent = 0; sent < TOTAL; sent += block.length) {
                data.next(block, 0, block.length);
                out.write(block);
                written.addAndGet(block.length);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void readAndVerify(InputStream in) throws IOException {
        Payloads.Stream expected = new Payloads.Stream(SEED);
        byte[] got = new byte[64 * 1024];
        byte[] want = new byte[64 * 1024];
        long total = 0;
        while (total < TOTAL) {
            int n = in.readNBytes(got, 0, got.length);
            assertThat(n).as("bytes at offset " + total).isEqualTo(got.length);
            expected.next(want, 0, n);
            int at = java.util.Arrays.mismatch(got, want);
            if (at >= 0) {
                throw new AssertionError("echo differs at byte " + (total + at));
            }
            total += n;
        }
        Clients.assertEof(in);
    }
}
