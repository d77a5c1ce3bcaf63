package io.ringbolt.engine.stream;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection as a blocking {@link InputStream} and {@link OutputStream}, for straight-line code
 * on virtual threads (or any thread that is not a reactor). Obtained from a
 * {@link StreamHandler}: {@link StreamHandler#serve} hands one to user code per accepted
 * connection; {@link StreamHandler#stream()} gives the one of a handler passed to a connect
 * or a hand-over. Works on any {@link Connection}, TLS included.
 *
 * <p><b>Reading</b> blocks until bytes arrive and returns what is there (at least one byte),
 * {@code -1} once the peer has shut down its side (EOF) and every byte before it was read. A
 * read waits at most the {@linkplain #setReadTimeout read timeout} and then throws
 * {@link SocketTimeoutException}; the stream stays usable. Received bytes are copied into a
 * window of {@link StreamOptions#receiveWindowBytes()}; what does not fit stays with the engine
 * (its kept input), and once that exceeds {@link StreamOptions#maxKeptInputBytes()} the stream
 * pauses reading, so TCP holds the peer back. Reading resumes as the readers drain the window.
 *
 * <p><b>Writing</b> hands the bytes to the connection's reactor, which sends them without a
 * further {@link OutputStream#flush() flush} (as a socket does). A write blocks while the
 * connection is above its high water mark or {@link StreamOptions#maxQueuedWriteChunks()} chunks
 * are on their way to the reactor; when no room appears for the
 * {@linkplain #setWriteTimeout write timeout} it throws {@link SocketTimeoutException}. The bytes
 * of that write that were already handed over are sent, so after a write timeout the stream
 * should be closed. Small writes are gathered into one hand-off while the reactor has not taken
 * the previous one; wrapping the stream in a {@code BufferedOutputStream} still saves work for
 * byte-at-a-time writers.
 *
 * <p><b>Closing</b> the input stream, or this object, closes the connection after the bytes
 * written so far are sent (as {@code Socket} does). <b>Half-closing</b>: closing the output
 * stream, or {@link #shutdownOutput()}, sends the bytes written so far and then FIN
 * ({@link Connection#shutdownOutput()}) while reading goes on until the peer's EOF; later
 * writes throw {@link SocketException}. A read or write
 * blocked in another thread ends with a {@link SocketException}; so do reads and writes after
 * the connection closed for another reason (the peer's reset: "Connection reset"; the engine
 * stopping, an idle or write timeout: "connection closed: REASON"), except that reads return
 * the bytes that had arrived and then {@code -1} if the peer closed cleanly.
 *
 * <p>Memory: besides what the engine holds (kept input, pending output, both bounded as above),
 * a stream that has received and written holds its window and one write chunk on the heap.
 *
 * <p>Threading: reads may come from any thread but the connection's reactor (one read runs at
 * a time; concurrent readers queue); likewise writes. Blocking on the reactor thread is refused
 * with {@link IllegalStateException}. Do not call {@link Connection#setReadEnabled} on the
 * stream's connection: the stream drives it.
 */
public final class ConnectionStream implements Closeable {
    private final StreamOptions options;
    private final InboundRing window;
    private final InputStream input = new Input();
    private final OutputStream output = new Output();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** A {@link #presentMore} task is queued on the reactor; set by a reader, cleared by the task. */
    private final AtomicBoolean moreRequested = new AtomicBoolean();
    private final Runnable presentMoreTask = this::presentMore;
    /** Chunks handed to the reactor and not staged yet: incremented by the writer, decremented by the reactor. */
    private final AtomicInteger queuedChunks = new AtomicInteger();
    /** One staged chunk kept for the writer's next hand-off. */
    private final AtomicReference<OutboundChunk> spareChunk = new AtomicReference<>();

    // Written on the reactor thread (volatile: read by the stream's threads). Each is written
    // before the parked reader or writer is woken, whose next look then sees it.
    private volatile Connection connection;
    /** The peer's EOF arrived. */
    private volatile boolean inputEnded;
    /** The last presentation of input left bytes with the engine (the window was full). */
    private volatile boolean keptByEngine;
    private volatile boolean writable = true;
    /** Why the connection closed, or null while it is open. */
    private volatile CloseReason closeReason;

    // Written by any thread.
    private volatile boolean closedLocally;
    /** {@link #shutdownOutput()} ran: writes are refused. Written under writeLock. */
    private volatile boolean outputShut;
    private volatile long readTimeoutNs;
    private volatile long writeTimeoutNs;
    /** The reader parked for input, or null; the reactor unparks it after a change. */
    private volatile Thread parkedReader;
    /** The writer parked for room, or null; the reactor unparks it after a change. */
    private volatile Thread parkedWriter;

    // Reactor thread only.
    /** The stream disabled reading because the engine keeps more than maxKeptInputBytes. */
    private boolean paused;
    private long maxPendingWriteBytes;

    // The writer (under writeLock) only.
    /** The last chunk handed over; later small writes are appended while the reactor has not taken it. */
    private OutboundChunk openChunk;
    private final byte[] oneByteIn = new byte[1];
    private final byte[] oneByteOut = new byte[1];

    ConnectionStream(StreamOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.window = new InboundRing(options.receiveWindowBytes());
        this.readTimeoutNs = options.readTimeout().toNanos();
        this.writeTimeoutNs = options.writeTimeout().toNanos();
    }

    // ---- public API (any thread) -----------------------------------------------------------------

    /** The bytes the peer sends. Closing it closes the connection. */
    public InputStream inputStream() {
        return input;
    }

    /** The bytes sent to the peer. Closing it closes the connection. */
    public OutputStream outputStream() {
        return output;
    }

    /**
     * The connection under this stream, for its addresses, id and attachment.
     *
     * @throws IllegalStateException before the handler's connection opened
     */
    public Connection connection() {
        Connection c = connection;
        if (c == null) {
            throw new IllegalStateException("stream not open yet: its handler has not been given a connection");
        }
        return c;
    }

    /** The peer's address, or null if not known (or not open yet). */
    public InetSocketAddress remoteAddress() {
        Connection c = connection;
        return c == null ? null : c.remoteAddress();
    }

    /** The limits and initial timeouts this stream was made with. */
    public StreamOptions options() {
        return options;
    }

    /** How long a read waits for bytes (ZERO: forever). Applies from the next read. */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNs = nonNegative(timeout, "read-timeout").toNanos();
    }

    /** The read timeout in force (ZERO: none). */
    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNs);
    }

    /** How long a write waits for room (ZERO: forever). Applies from the next write. */
    public void setWriteTimeout(Duration timeout) {
        writeTimeoutNs = nonNegative(timeout, "write-timeout").toNanos();
    }

    /** The write timeout in force (ZERO: none). */
    public Duration writeTimeout() {
        return Duration.ofNanos(writeTimeoutNs);
    }

    /** True from the connection's open until it closes or this stream is closed. */
    public boolean isOpen() {
        return connection != null && !closedLocally && closeReason == null;
    }

    /** Why the connection closed, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /**
     * Closes the connection once the bytes written so far are sent; blocked reads and writes
     * end with a {@link SocketException}. Idempotent.
     */
    @Override
    public void close() {
        closedLocally = true;
        LockSupport.unpark(parkedReader);
        LockSupport.unpark(parkedWriter);
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Half-closes: the bytes written so far are sent, then FIN; the peer's bytes can still be
     * read until its EOF. Later writes throw {@link SocketException}; {@link #close()} is still
     * needed (or the service's return) to release the connection, and once the peer's EOF has
     * arrived too the engine closes it by itself. Waits for a write in progress on another
     * thread. Idempotent.
     *
     * @throws IllegalStateException on the reactor thread, or before the connection opened
     */
    public void shutdownOutput() throws IOException {
        Connection c = blockingConnection("shutdownOutput");
        lock(writeLock, "shutdownOutput");
        try {
            if (outputShut || closedLocally) {
                return;
            }
            outputShut = true;
            openChunk = null; // handed over already: its stage task runs before the shutdown's
            c.shutdownOutput(); // from this thread, so ordered after the chunks it handed over
            LockSupport.unpark(parkedWriter);
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the connection at once, discarding unsent bytes; the peer sees a reset. Idempotent. */
    public void abort() {
        closedLocally = true;
        LockSupport.unpark(parkedReader);
        LockSupport.unpark(parkedWriter);
        Connection c = connection;
        if (c != null) {
            c.abort();
        }
    }

    @Override
    public String toString() {
        return "ConnectionStream[" + connection + ", window=" + window.available() + "/" + window.capacity()
                + ", queuedChunks=" + queuedChunks.get() + (closeReason != null ? ", closed=" + closeReason : "") + "]";
    }

    // ---- reading (the stream's threads) -----------------------------------------------------------

    private int read(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        Connection c = blockingConnection("read");
        if (length == 0) {
            return 0;
        }
        lock(readLock, "read");
        boolean registered = false;
        try {
            long timeoutNs = readTimeoutNs;
            long deadlineNs = System.nanoTime() + timeoutNs;
            for (;;) {
                if (closedLocally) {
                    throw new SocketException("stream closed");
                }
                // Read the reactor's flags before polling: bytes offered before a flag was set
                // are then visible to the poll, so "closed" or "ended" with an empty window is final.
                CloseReason closedWith = closeReason;
                boolean ended = inputEnded;
                boolean kept = keptByEngine;
                int n = window.poll(b, offset, length);
                if (n > 0) {
                    if (kept && window.free() >= window.capacity() / 2) {
                        requestMore(c);
                    }
                    return n;
                }
                if (closedWith != null) {
                    return endOfClosedInput(closedWith);
                }
                if (kept) {
                    requestMore(c);
                } else if (ended) {
                    return -1;
                }
                if (!registered) {
                    // Register, then look again before parking: a change the reactor made after
                    // the look above either shows in the next look or finds us registered and unparks.
                    parkedReader = Thread.currentThread();
                    registered = true;
                    continue;
                }
                park(timeoutNs, deadlineNs, "read");
            }
        } finally {
            if (registered) {
                parkedReader = null;
            }
            readLock.unlock();
        }
    }

    private int endOfClosedInput(CloseReason reason) throws SocketException {
        if (inputEnded || reason == CloseReason.PEER_CLOSED) {
            return -1;
        }
        throw closedException(reason);
    }

    /** Asks the reactor to present the bytes the engine keeps; one request in flight at a time. */
    private void requestMore(Connection c) {
        if (!moreRequested.get() && moreRequested.compareAndSet(false, true)) {
            c.reactor().execute(presentMoreTask);
        }
    }

    private int available() {
        return window.available();
    }

    // ---- writing (the stream's threads) ------------------------------------------------------------

    private void write(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        Connection c = blockingConnection("write");
        lock(writeLock, "write");
        try {
            while (length > 0) {
                checkWritableState();
                OutboundChunk open = openChunk;
                if (open != null) {
                    int n = open.append(b, offset, length);
                    if (n > 0) {
                        offset += n;
                        length -= n;
                        continue;
                    }
                    openChunk = null; // full, or the reactor took it
                }
                awaitRoom();
                OutboundChunk chunk = spareChunk.getAndSet(null);
                if (chunk == null) {
                    chunk = new OutboundChunk(this, options.writeChunkBytes());
                }
                int n = chunk.fill(b, offset, length);
                queuedChunks.incrementAndGet();
                openChunk = chunk;
                c.reactor().execute(chunk);
                offset += n;
                length -= n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Waits until the connection is writable and a chunk may be handed over. The write timeout
     * bounds each wait, not the whole write: a large write to a slow but reading peer goes on as
     * long as room keeps appearing. Under writeLock.
     */
    private void awaitRoom() throws IOException {
        if (writable && queuedChunks.get() < options.maxQueuedWriteChunks()) {
            return;
        }
        long timeoutNs = writeTimeoutNs;
        long deadlineNs = System.nanoTime() + timeoutNs;
        boolean registered = false;
        try {
            for (;;) {
                checkWritableState();
                if (writable && queuedChunks.get() < options.maxQueuedWriteChunks()) {
                    return;
                }
                if (!registered) {
                    parkedWriter = Thread.currentThread(); // then look again, as the reader does
                    registered = true;
                    continue;
                }
                park(timeoutNs, deadlineNs, "write");
            }
        } finally {
            if (registered) {
                parkedWriter = null;
            }
        }
    }

    private void checkWritableState() throws SocketException {
        if (closedLocally) {
            throw new SocketException("stream closed");
        }
        if (outputShut) {
            throw new SocketException("output shut down");
        }
        CloseReason r = closeReason;
        if (r != null) {
            throw closedException(r);
        }
    }

    // ---- waiting ------------------------------------------------------------------------------------

    private Connection blockingConnection(String what) {
        Connection c = connection();
        if (c.reactor().inReactorThread()) {
            throw new IllegalStateException("blocking " + what + " on the reactor thread of " + c
                    + ": run stream code on a virtual thread (StreamHandler.serve, io.ringbolt.engine.Blocking)");
        }
        return c;
    }

    private static void lock(ReentrantLock lock, String what) throws InterruptedIOException {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }

    /** Parks until unparked or the deadline; throws once the deadline passed or on interrupt. */
    private void park(long timeoutNs, long deadlineNs, String what) throws InterruptedIOException {
        if (timeoutNs == 0) {
            LockSupport.park(this);
        } else {
            long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0) {
                throw new SocketTimeoutException(what + " timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
            }
            LockSupport.parkNanos(this, remainingNs);
        }
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }

    private static SocketException closedException(CloseReason reason) {
        return new SocketException(reason == CloseReason.RESET ? "Connection reset" : "connection closed: " + reason);
    }

    private static Duration nonNegative(Duration d, String key) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(key + "=" + d + " (must be zero or positive)");
        }
        return d;
    }

    // ---- the reactor side (StreamHandler's callbacks and the stream's tasks) --------------------------

    /** The connection opened (onOpen). Reactor thread. */
    void opened(Connection c) {
        if (connection != null) {
            throw new IllegalStateException("a StreamHandler serves one connection; " + connection + " already has this one");
        }
        writable = c.isWritable(); // before the volatile store of connection publishes the stream
        connection = c;
    }

    /**
     * Bytes arrived (onData): copy what fits into the window, leave the rest with the engine,
     * and pause reading if the engine keeps too much. Reactor thread.
     *
     * @return bytes consumed
     */
    int received(ByteView data) {
        int length = data.length();
        if (closedLocally) {
            return length; // nobody reads any more: let the engine drop them
        }
        int taken = window.offer(data);
        int left = length - taken;
        boolean kept = left > 0;
        if (kept != keptByEngine) {
            keptByEngine = kept;
        }
        if (left > options.maxKeptInputBytes() && !paused && !inputEnded) {
            paused = true;
            connection.setReadEnabled(false);
        }
        if (taken > 0 || kept) {
            LockSupport.unpark(parkedReader);
        }
        return taken;
    }

    /** A reader drained the window and the engine keeps bytes: present them again. Reactor thread. */
    private void presentMore() {
        moreRequested.set(false);
        Connection c = connection;
        if (closeReason != null || closedLocally) {
            return;
        }
        if (paused) {
            paused = false;
            c.setReadEnabled(true); // presents the kept bytes, from a task
        } else {
            c.replayKeptInput();
        }
    }

    /** onWritabilityChanged. Reactor thread. */
    void writabilityChanged(boolean value) {
        writable = value;
        if (value) {
            LockSupport.unpark(parkedWriter);
        }
    }

    /** The peer's EOF (onInputClosed); the connection stays open for writing. Reactor thread. */
    void inputClosed() {
        inputEnded = true;
        LockSupport.unpark(parkedReader);
    }

    /** onClose. Reactor thread. */
    void closed(CloseReason reason) {
        closeReason = reason;
        paused = false;
        LockSupport.unpark(parkedReader);
        LockSupport.unpark(parkedWriter);
    }

    /** Stages a handed-over chunk on the connection and sends it. Reactor thread. */
    void stage(OutboundChunk chunk) {
        int n = chunk.take();
        Connection c = connection;
        if (n > 0 && c.write(chunk.bytes, 0, n)) {
            c.flush();
            long pending = c.pendingWriteBytes();
            if (pending > maxPendingWriteBytes) {
                maxPendingWriteBytes = pending;
            }
        }
        spareChunk.set(chunk);
        queuedChunks.decrementAndGet();
        LockSupport.unpark(parkedWriter);
    }

    /** The most output the connection had pending right after this stream staged bytes. Reactor thread. */
    long maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    // ---- the two java.io views ----------------------------------------------------------------------

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            blockingConnection("read"); // before taking the lock, which a parked reader may hold
            lock(readLock, "read"); // held across the read (the lock is reentrant): oneByteIn is shared
            try {
                int n = ConnectionStream.this.read(oneByteIn, 0, 1);
                return n < 0 ? -1 : oneByteIn[0] & 0xFF;
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public int read(byte[] b, int offset, int length) throws IOException {
            return ConnectionStream.this.read(b, offset, length);
        }

        @Override
        public int available() {
            return ConnectionStream.this.available();
        }

        @Override
        public void close() {
            ConnectionStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            blockingConnection("write");
            lock(writeLock, "write"); // held across the write (the lock is reentrant): oneByteOut is shared
            try {
                oneByteOut[0] = (byte) b;
                ConnectionStream.this.write(oneByteOut, 0, 1);
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int offset, int length) throws IOException {
            ConnectionStream.this.write(b, offset, length);
        }

        /** Written bytes are already on their way; nothing to do. */
        @Override
        public void flush() {
        }

        /** Half-closes ({@link ConnectionStream#shutdownOutput()}); reading goes on. */
        @Override
        public void close() throws IOException {
            ConnectionStream.this.shutdownOutput();
        }
    }
}
