package io.ringbolt.engine.stream;

import io.ringbolt.engine.Await;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Clients;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Payloads;
import io.ringbolt.engine.Recorder;
import io.ringbolt.engine.SelfSigned;
import io.ringbolt.engine.TestBackends;
import io.ringbolt.engine.TestEngines;
import io.ringbolt.engine.tls.TlsContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Blocking streams over real loopback connections on every backend: byte-exact echo from many
 * concurrent clients, back-pressure on writers, the bound on unconsumed input, timeouts, EOF and
 * closes from either side.
 */
@Timeout(120)
class StreamIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The README's echo: every byte back until the peer's EOF. */
    private static final StreamService ECHO = s -> s.inputStream().transferTo(s.outputStream());

    private static SelfSigned certificate;
    private static SSLContext tlsClient;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSigned.create("EC");
        tlsClient = certificate.clientContext();
    }

    @AfterAll
    static void deleteCertificate() throws IOException {
        if (certificate != null) {
            certificate.delete();
        }
    }

    // ---- echo ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesEveryByteToManyConcurrentClients(Backend backend) throws Exception {
        int clients = 64;
        long[] sizes = {1, 2, 100, 1024, 16 * 1024 + 1, 64 * 1024, 256 * 1024 + 7, 1024 * 1024};
        try (Engine engine = TestEngines.loopback(backend, StreamHandler.serve(ECHO)).reactors(2).start();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            InetSocketAddress address = TestEngines.address(engine);
            List<Future<?>> done = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < clients; i++) {
                long size = i == clients - 1 ? 64L * 1024 * 1024 : sizes[i % sizes.length];
                long seed = i;
                total += size;
                done.add(pool.submit(() -> {
                    try (Socket s = Clients.connect(address)) {
                        echoStreamed(s, size, seed, true);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
            Await.until("every connection to close", WAIT, () -> engine.stats().openConnections() == 0, engine::stats);
            assertThat(engine.stats().bytesReceived()).isEqualTo(total);
            assertThat(engine.stats().bytesSent()).isEqualTo(total);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesOverTls(Backend backend) throws Exception {
        TlsContext tls = TlsContext.fromKeyStore(certificate.keyStore, SelfSigned.PASSWORD);
        // Low water marks, so the echo meets back-pressure through the TLS layer too.
        try (Engine engine = TestEngines.loopback(backend, tls.wrap(StreamHandler.serve(ECHO)))
                .writeWaterMarks(16 * 1024, 64 * 1024).start();
             SSLSocket s = (SSLSocket) tlsClient.getSocketFactory().createSocket()) {
            s.setSoTimeout(Clients.READ_TIMEOUT_MS);
            s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
            s.startHandshake();
            echoStreamed(s, 8L * 1024 * 1024, 77, false);
        }
    }

    // ---- back-pressure and memory bounds ---------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void writerBlocksWhileTheClientDoesNotRead(Backend backend) throws Exception {
        int low = 32 * 1024;
        int high = 256 * 1024;
        int chunkBytes = 16 * 1024;
        int queuedChunks = 2;
        long totalBytes = 32L * 1024 * 1024;
        long seed = 5;
        AtomicLong accepted = new AtomicLong();
        Served served = new Served();
        StreamOptions options = StreamOptions.defaults().withWriteChunks(chunkBytes, queuedChunks);
        HandlerFactory writer = served.probe(options, s -> {
            OutputStream out = s.outputStream();
            Payloads.Stream data = new Payloads.Stream(seed);
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < totalBytes; sent += block.length) {
                data.next(block, 0, block.length);
                out.write(block);
                accepted.addAndGet(block.length);
            }
        });
        Recorder rec = new Recorder(writer);
        long bound = high + (long) queuedChunks * chunkBytes;
        try (Engine engine = TestEngines.loopback(backend, rec).writeWaterMarks(low, high).start();
             Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.setSoTimeout(Clients.READ_TIMEOUT_MS);
            s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
            Connection server = rec.awaitOpen(WAIT);
            ConnectionStream stream = served.stream.get(30, TimeUnit.SECONDS);
            Thread service = served.thread.get(30, TimeUnit.SECONDS);

            // The client reads nothing: the writer must end up parked with the connection above
            // its high water mark, everything else queued in kernel buffers.
            long[][] blocked = new long[1][];
            Await.until("the writer to block on back-pressure", WAIT, () -> {
                long[] snap = onReactor(server, () -> new long[] {
                        server.isWritable() ? 1 : 0, server.pendingWriteBytes(), stream.maxPendingWriteBytes()});
                boolean parked = service.getState() == Thread.State.WAITING;
                if (snap[0] == 0 && parked) {
                    blocked[0] = snap;
                    return true;
                }
                return false;
            });
            assertThat(blocked[0][1]).as("pending output while blocked").isGreaterThan(low).isLessThanOrEqualTo(bound);
            assertThat(blocked[0][2]).as("most output ever pending").isLessThanOrEqualTo(bound);
            assertThat(accepted.get()).as("bytes the writer got rid of").isLessThan(totalBytes);

            // Now read: every byte arrives in order while back-pressure keeps toggling.
            verifyStream(s.getInputStream(), totalBytes, seed);
            Clients.assertEof(s.getInputStream());
            served.result.get(30, TimeUnit.SECONDS);
            assertThat(onReactor(server, stream::maxPendingWriteBytes)).as("most output ever pending").isLessThanOrEqualTo(bound);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aServiceThatDoesNotReadPausesTheSocket(Backend backend) throws Exception {
        int windowBytes = 16 * 1024;
        int maxKeptBytes = 64 * 1024;
        int bufferBytes = 16 * 1024;
        int bufferCount = 64;
        long totalBytes = 32L * 1024 * 1024;
        long seed = 11;
        CountDownLatch startReading = new CountDownLatch(1);
        Served served = new Served();
        StreamOptions options = StreamOptions.defaults().withReceiveLimits(windowBytes, maxKeptBytes);
        Recorder rec = new Recorder(served.probe(options, s -> {
            assertThat(startReading.await(60, TimeUnit.SECONDS)).isTrue();
            verifyStream(s.inputStream(), totalBytes, seed);
            assertThat(s.inputStream().read()).as("EOF").isEqualTo(-1);
            s.outputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
        }));
        // NIO stops reading the moment the stream pauses; io_uring's multishot recv may move what
        // the socket holds into provided buffers before its cancel lands (at most all of them).
        // Without the pause the engine would keep everything up to max-receive-buffer and then
        // close the connection with OVERFLOW.
        long overshoot = backend == Backend.IO_URING ? (long) bufferBytes * bufferCount : bufferBytes;
        long bound = windowBytes + maxKeptBytes + bufferBytes + overshoot;
        try (Engine engine = TestEngines.loopback(backend, rec)
                .bufferSize(bufferBytes).bufferCount(bufferCount).maxReceiveBufferBytes(2 * 1024 * 1024).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                writeStream(s, totalBytes, seed, written);
                try {
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            Connection server = rec.awaitOpen(WAIT);
            Await.until("the stream to pause reading", WAIT, () -> !server.isReadEnabled());
            Await.quiesce(engine);
            long received = engine.stats().bytesReceived();
            assertThat(received).as("bytes the server took in while nobody read").isLessThanOrEqualTo(bound);
            assertThat(written.get()).as("the client is held back").isLessThan(totalBytes);

            startReading.countDown();
            served.result.get(60, TimeUnit.SECONDS);
            client.get(30, TimeUnit.SECONDS);
            assertThat(new String(Clients.readToEof(s.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
    }

    // ---- timeouts, EOF, closes ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void readTimesOutAndTheStreamStaysUsable(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults().withReadTimeout(Duration.ofMillis(100)), s -> {
            InputStream in = s.inputStream();
            OutputStream out = s.outputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("read timed out after 100 ms");
            out.write("timeout\n".getBytes(StandardCharsets.US_ASCII));
            s.setReadTimeout(Duration.ZERO);
            out.write(in.read());
        });
        try (Engine engine = TestEngines.loopback(backend, factory).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            InputStream in = s.getInputStream();
            assertThat(new String(Clients.readExactly(in, 8), StandardCharsets.US_ASCII)).isEqualTo("timeout\n");
            s.getOutputStream().write('x');
            assertThat(in.read()).isEqualTo('x');
            served.result.get(30, TimeUnit.SECONDS);
            Clients.assertEof(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void writeTimesOutWhenNoRoomAppears(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults().withWriteTimeout(Duration.ofMillis(100)), s -> {
            byte[] block = new byte[64 * 1024];
            assertThatThrownBy(() -> {
                for (;;) {
                    s.outputStream().write(block); // the client reads nothing
                }
            }).isInstanceOf(SocketTimeoutException.class).hasMessage("write timed out after 100 ms");
            assertThat(s.isOpen()).as("a timeout leaves the connection open").isTrue();
        });
        try (Engine engine = TestEngines.loopback(backend, factory).writeWaterMarks(16 * 1024, 64 * 1024).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            served.result.get(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void readSeesEofAfterThePeersFinAndWritingGoesOn(Backend backend) throws Exception {
        HandlerFactory factory = StreamHandler.serve(s -> {
            byte[] all = s.inputStream().readAllBytes();
            assertThat(s.inputStream().read()).isEqualTo(-1);
            s.outputStream().write(("got " + all.length).getBytes(StandardCharsets.US_ASCII));
        });
        try (Engine engine = TestEngines.loopback(backend, factory).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write(Payloads.random(100_000, 3));
            s.shutdownOutput();
            assertThat(new String(Clients.readToEof(s.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo("got 100000");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clientResetEndsABlockedRead(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults(), s -> s.inputStream().read());
        try (Engine engine = TestEngines.loopback(backend, factory).start()) {
            Socket s = Clients.connect(TestEngines.address(engine));
            Thread service = served.thread.get(30, TimeUnit.SECONDS);
            Await.until("the service to block in read", WAIT, () -> service.getState() == Thread.State.WAITING);
            s.setSoLinger(true, 0);
            s.close(); // RST
            assertThat(failure(served)).isInstanceOf(SocketException.class).hasMessage("Connection reset");
            Await.until("the connection to close", WAIT, () -> engine.stats().openConnections() == 0, engine::stats);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clientResetEndsABlockedWrite(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults(), s -> {
            byte[] block = new byte[64 * 1024];
            for (;;) {
                s.outputStream().write(block);
            }
        });
        try (Engine engine = TestEngines.loopback(backend, factory).writeWaterMarks(16 * 1024, 64 * 1024).start()) {
            Socket s = Clients.connect(TestEngines.address(engine));
            Thread service = served.thread.get(30, TimeUnit.SECONDS);
            Await.until("the service to block in write", WAIT, () -> service.getState() == Thread.State.WAITING);
            s.setSoLinger(true, 0);
            s.close();
            assertThat(failure(served)).isInstanceOf(SocketException.class);
            Await.until("the connection to close", WAIT, () -> engine.stats().openConnections() == 0, engine::stats);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closingTheStreamEndsABlockedReadAndTheClientSeesEof(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults(), s -> s.inputStream().read());
        try (Engine engine = TestEngines.loopback(backend, factory).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            ConnectionStream stream = served.stream.get(30, TimeUnit.SECONDS);
            Thread service = served.thread.get(30, TimeUnit.SECONDS);
            Await.until("the service to block in read", WAIT, () -> service.getState() == Thread.State.WAITING);
            stream.close(); // from this thread, while the service's thread reads
            assertThat(failure(served)).isInstanceOf(SocketException.class).hasMessage("stream closed");
            Clients.assertEof(s.getInputStream());
            assertThat(stream.isOpen()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void blockingOnTheReactorThreadIsRefused(Backend backend) throws Exception {
        Served served = new Served();
        HandlerFactory factory = served.probe(StreamOptions.defaults(), s -> s.inputStream().read());
        try (Engine engine = TestEngines.loopback(backend, factory).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            ConnectionStream stream = served.stream.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> Await.onReactor(stream.connection().reactor(), () -> stream.inputStream().read()))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("blocking read on the reactor thread");
            s.getOutputStream().write(1); // the service, still reading on its own thread, finishes
            served.result.get(30, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** What one served connection's service saw: its stream, its thread, how it ended. */
    private static final class Served {
        final CompletableFuture<ConnectionStream> stream = new CompletableFuture<>();
        final CompletableFuture<Thread> thread = new CompletableFuture<>();
        final CompletableFuture<Void> result = new CompletableFuture<>();

        HandlerFactory probe(StreamOptions options, StreamService body) {
            return StreamHandler.serve(options, s -> {
                stream.complete(s);
                thread.complete(Thread.currentThread());
                try {
                    body.serve(s);
                    result.complete(null);
                } catch (Exception | AssertionError e) {
                    result.completeExceptionally(e);
                }
            });
        }
    }

    private static Throwable failure(Served served) throws Exception {
        try {
            served.result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the service ended normally");
    }

    private static <T> T onReactor(Connection c, java.util.concurrent.Callable<T> task) {
        try {
            return Await.onReactor(c.reactor(), task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code size} bytes of the seed's stream from a second thread while this one reads
     * and checks the echo; then, with {@code shutdown}, half-closes and expects EOF.
     */
    static void echoStreamed(Socket s, long size, long seed, boolean shutdown) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            writeStream(s, size, seed, new AtomicLong());
            if (shutdown) {
                try {
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, r -> Thread.ofVirtual().start(r));
        verifyStream(s.getInputStream(), size, seed);
        writer.get(60, TimeUnit.SECONDS);
        if (shutdown) {
            Clients.assertEof(s.getInputStream());
        }
    }

    static void writeStream(Socket s, long size, long seed, AtomicLong written) {
        Payloads.Stream data = new Payloads.Stream(seed);
        byte[] block = new byte[64 * 1024];
        try {
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < size; ) {
                int n = (int) Math.min(block.length, size - sent);
                data.next(block, 0, n);
                out.write(block, 0, n);
                sent += n;
                written.addAndGet(n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code size} bytes and checks them against the seed's stream. */
    static void verifyStream(InputStream in, long size, long seed) throws IOException {
        Payloads.Stream expected = new Payloads.Stream(seed);
        byte[] got = new byte[64 * 1024];
        byte[] want = new byte[64 * 1024];
        for (long total = 0; total < size; ) {
            int n = in.read(got, 0, (int) Math.min(got.length, size - total));
            if (n < 0) {
                throw new AssertionError("EOF after " + total + " of " + size + " bytes");
            }
            expected.next(want, 0, n);
            int at = Arrays.mismatch(got, 0, n, want, 0, n);
            if (at >= 0) {
                throw new AssertionError("bytes differ at offset " + (total + at) + " of " + size);
            }
            total += n;
        }
    }
}
