package io.ringbolt.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A handler that keeps every byte it receives and tells when its connection opened and closed;
 * for the client side of outbound connections. Thread-safe: callbacks run on a reactor thread,
 * the test reads from its own.
 */
public class Collector implements ConnectionHandler {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    /** Completed by {@code onOpen}. */
    public final CompletableFuture<Connection> opened = new CompletableFuture<>();
    /** Completed by {@code onClose} with its reason. */
    public final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    @Override
    public void onOpen(Connection connection) {
        opened.complete(connection);
    }

    @Override
    public int onData(Connection connection, ByteView data) {
        byte[] copy = new byte[data.length()];
        data.copyTo(0, copy, 0, copy.length);
        synchronized (received) {
            received.writeBytes(copy);
        }
        return data.length();
    }

    @Override
    public void onClose(Connection connection, CloseReason reason) {
        closed.complete(reason);
    }

    /** Everything received so far. */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** Everything received so far, as ASCII. */
    public String text() {
        return new String(received(), StandardCharsets.US_ASCII);
    }

    /** Waits until at least {@code n} bytes arrived and returns them all. */
    public byte[] awaitBytes(int n, Duration timeout) {
        Await.until(n + " bytes", timeout, () -> size() >= n, () -> size() + " so far");
        return received();
    }

    private int size() {
        synchronized (received) {
            return received.size();
        }
    }

    /** The close reason, waiting up to {@code timeout}. */
    public CloseReason awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
