package io.ringbolt.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * A response body written in pieces after the head went out. Obtained from
 * {@link HttpResponse#stream()} (chunked for HTTP/1.1 clients, delimited by closing the
 * connection for HTTP/1.0 ones) or {@link HttpResponse#stream(long)} (exactly that many bytes,
 * with {@code Content-Length}); {@link #close()} finishes the response.
 *
 * <p>Any thread. On the connection's reactor thread bytes are staged at once and go out at the
 * next {@link #flush()} (or when the response finishes); a producer there must not block, so it
 * checks {@link #isWritable()} and continues from {@link #onWritable(Runnable)}. From another
 * thread (a blocking route's virtual thread, a loader) bytes are copied, handed to the reactor
 * in call order and sent at once, and {@link #write} blocks while the client is slow: when
 * {@value #MAX_QUEUED_WRITES} writes are still waiting because the connection's output is above
 * its high water mark, the next one waits until it drains below the low water mark (or the
 * connection closes). So a producer on another thread holds at most the high water mark plus a
 * few writes, however slowly the client reads, and the engine's write timeout ends a client
 * that stops reading. Writes after the connection closed are dropped; check {@link #isOpen()}
 * to stop producing.
 */
public final class ResponseStream implements AutoCloseable {
    /** Writes from other threads that may wait on the reactor before the next one blocks. */
    static final int MAX_QUEUED_WRITES = 2;

    private final ResponseOwner owner;
    private final HttpResponse response;
    /** Declared body length, or -1 when the stream is chunked / close-delimited. */
    private final long contentLength;
    /** Permits of foreign-thread writes; the reactor returns one when a write is staged and the output writable. */
    private final Semaphore writeCredits = new Semaphore(MAX_QUEUED_WRITES);
    private volatile boolean closed;
    private volatile boolean connectionClosed;
    /** Bytes accepted by {@link #write} so far (the producer's thread). */
    private long written;

    ResponseStream(ResponseOwner owner, HttpResponse response, long contentLength) {
        this.owner = owner;
        this.response = response;
        this.contentLength = contentLength;
    }

    /**
     * Writes {@code length} bytes of {@code data} from {@code offset} (one chunk of a chunked
     * stream). From a thread other than the reactor's, may block for back-pressure (see the
     * class comment).
     *
     * @throws IllegalStateException if the stream is closed, the bytes exceed the declared
     *     {@code Content-Length}, or the thread was interrupted while waiting
     */
    public ResponseStream write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (closed) {
            throw new IllegalStateException("stream closed");
        }
        if (contentLength >= 0 && length > contentLength - written) {
            throw new IllegalStateException("body longer than Content-Length: " + contentLength
                    + " declared, " + (written + length) + " written");
        }
        if (length == 0) {
            return this;
        }
        written += length;
        if (owner.onReactorThread()) {
            owner.streamWrite(data, offset, length, null);
            return this;
        }
        if (connectionClosed) {
            return this;
        }
        try {
            writeCredits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the client to read");
        }
        owner.streamWrite(data, offset, length, writeCredits);
        return this;
    }

    /** Writes all of {@code data}. */
    public ResponseStream write(byte[] data) {
        return write(data, 0, data.length);
    }

    /** Writes {@code text} as UTF-8. */
    public ResponseStream write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends what was written so far. */
    public ResponseStream flush() {
        owner.streamFlush();
        return this;
    }

    /**
     * True while the connection's output is below its high water mark: a producer on the
     * reactor thread writes while this holds, then waits for {@link #onWritable}. Any thread
     * (a snapshot off the reactor).
     */
    public boolean isWritable() {
        return owner.isWritable();
    }

    /**
     * Runs {@code task} on the connection's reactor thread once its output is writable: soon
     * (as a task) when it is now, else when it drains below the low water mark. One task at a
     * time (a later call replaces a waiting one); never run if the connection closes first
     * ({@link #isOpen()} tells). Any thread.
     */
    public ResponseStream onWritable(Runnable task) {
        owner.streamOnWritable(Objects.requireNonNull(task, "task"));
        return this;
    }

    /** True while the connection is open and the stream not closed. */
    public boolean isOpen() {
        return !closed && !connectionClosed && owner.isOpen();
    }

    /**
     * Ends the body (last chunk) and completes the response. A stream with a declared length
     * that got fewer bytes aborts the connection instead: the head promised more. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.streamEnd(response, contentLength >= 0 && written < contentLength, false);
    }

    /**
     * Ends the response by resetting the connection, for a producer that cannot finish the
     * body it started (its source failed or changed): the head is gone, so the only honest
     * signal left is a connection the client sees end before the body did. Idempotent; any
     * thread.
     */
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        owner.streamEnd(response, false, true);
    }

    /** The connection closed: wake every writer waiting for credits; later writes are dropped. Any thread. */
    void connectionClosed() {
        connectionClosed = true;
        writeCredits.release(Integer.MAX_VALUE / 2);
    }
}
