package io.ringbolt.engine.uring;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.IoUringProbe;
import io.ringbolt.uring.LinuxSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * io_uring-specific behaviour the backend-neutral suite cannot see: provided-buffer ring
 * exhaustion (ENOBUFS) without losing bytes, buffer and slot accounting after connection churn,
 * and socket options inherited from the listener.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringReactorIntegrationTest {

    @BeforeAll
    static void requireIoUring() {
        assumeTrue(IoUringProbe.get().isAvailable(), () -> "io_uring unavailable: " + IoUringProbe.get().unavailabilityCause());
    }

    static final class Echo implements ConnectionHandler {
        @Override
        public int onData(Connection c, ByteView data) {
            c.write(data, 0, data.length());
            c.flush();
            return data.length();
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            c.setReadEnabled(writable);
        }
    }

    private static <T> T onReactor(Engine engine, Supplier<T> query) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        engine.reactors().getFirst().execute(() -> f.complete(query.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static UringReactor reactor(Engine engine) {
        return (UringReactor) engine.reactors().getFirst();
    }

    @Test
    void shouldEchoEveryByteWhenTheBufferRingRunsDry() throws Exception {
        try (Engine engine = Engine.builder().bind("127.0.0.1", 0).backend(Backend.IO_URING).reactors(1)
                .bufferCount(2).bufferSize(256).handler(c -> new Echo()).start()) {
            byte[] payload = new byte[4 * 1024 * 1024];
            new Random(42).nextBytes(payload);
            try (Socket s = new Socket("127.0.0.1", engine.port())) {
                CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> readFully(s, payload.length));
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < payload.length; off += 65536) {
                    out.write(payload, off, Math.min(65536, payload.length - off));
                }
                assertThat(Arrays.equals(reader.get(30, TimeUnit.SECONDS), payload)).isTrue();
            }
            UringReactor r = reactor(engine);
            assertThat(onReactor(engine, r::enobufsCount)).as("ENOBUFS must really have happened").isPositive();
            awaitQuiet(engine, r);
        }
    }

    @Test
    void shouldReturnEveryBufferAndSlotAfterConnectionChurn() throws Exception {
        try (Engine engine = Engine.builder().bind("127.0.0.1", 0).backend(Backend.IO_URING).reactors(1)
                .bufferCount(64).bufferSize(1024).handler(c -> new Echo()).start()) {
            UringReactor r = reactor(engine);
            int fdsBefore = LinuxSocket.openFdCount();
            for (int i = 0; i < 2000; i++) {
                try (Socket s = new Socket("127.0.0.1", engine.port())) {
                    s.getOutputStream().write(new byte[]{(byte) i, 1, 2});
                    assertThat(readFully(s, 3)[0]).isEqualTo((byte) i);
                }
            }
            awaitQuiet(engine, r);
            assertThat(LinuxSocket.openFdCount()).isLessThanOrEqualTo(fdsBefore);
            assertThat(engine.stats().acceptedTotal()).isEqualTo(2000);
            assertThat(engine.stats().closedTotal()).isEqualTo(2000);
        }
    }

    @Test
    void shouldInheritTcpNoDelayFromTheListener() throws Exception {
        CompletableFuture<Integer> noDelay = new CompletableFuture<>();
        try (Engine engine = Engine.builder().bind("127.0.0.1", 0).backend(Backend.IO_URING).reactors(1)
                .handler(c -> {
                    noDelay.complete(LinuxSocket.getsockoptInt(((UringConnection) c).fd(), IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY));
                    return new Echo();
                }).start();
             Socket ignored = new Socket("127.0.0.1", engine.port())) {
            assertThat(noDelay.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    /** Waits (bounded) until the reactor holds no connection slot and every buffer is back. */
    private static void awaitQuiet(Engine engine, UringReactor r) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            int slots = onReactor(engine, r::slotsInUse);
            int buffers = onReactor(engine, r::kernelOwnedBuffers);
            if (slots == 0 && buffers == r.bufferCount()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not quiet: slots in use " + slots + ", buffers back " + buffers + "/" + r.bufferCount());
            }
            Thread.onSpinWait();
        }
    }

    private static byte[] readFully(Socket s, int n) {
        try {
            InputStream in = s.getInputStream();
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new AssertionError("EOF after " + b.length + " of " + n + " bytes");
            }
            return b;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
