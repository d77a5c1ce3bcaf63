package io.ringbolt.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One TCP connection, owned by a single {@link Reactor} for its whole life.
 *
 * <p>Writes stage bytes in an off-heap buffer; {@link #flush()} schedules one send per reactor
 * loop iteration that gathers everything written since. Called on the reactor thread, the write
 * methods copy immediately. Called from any other thread they copy the bytes, hand them to the
 * reactor and flush there (a foreign write is always flushed).
 *
 * <p>Back-pressure: when pending output exceeds the configured high water mark
 * {@link #isWritable()} turns false and the handler is told through
 * {@link ConnectionHandler#onWritabilityChanged}; it turns true again below the low water mark.
 */
public interface Connection {

    /** Unique among this engine's connections. Any thread. */
    long id();

    /** The reactor that owns this connection. Any thread. */
    Reactor reactor();

    /** The peer's address, or null if it is no longer known. Any thread. */
    InetSocketAddress remoteAddress();

    /** The local address, or null if it is no longer known. Any thread. */
    InetSocketAddress localAddress();

    /**
     * Stages {@code length} bytes of {@code src}. Any thread.
     *
     * @return false if the connection is closed or closing (nothing is written)
     */
    boolean write(byte[] src, int offset, int length);

    /** Stages all of {@code src}. Any thread. */
    default boolean write(byte[] src) {
        return write(src, 0, src.length);
    }

    /** Stages the remaining bytes of {@code src} and advances its position. Any thread. */
    boolean write(ByteBuffer src);

    /**
     * Stages {@code length} bytes of a received view, starting at {@code offset}. Reactor thread
     * only (the view is valid only inside {@link ConnectionHandler#onData}).
     */
    boolean write(ByteView src, int offset, int length);

    /** Schedules a send of everything staged. Any thread. */
    void flush();

    /** Stages and flushes. Any thread. */
    default boolean writeAndFlush(byte[] src) {
        boolean ok = write(src, 0, src.length);
        flush();
        return ok;
    }

    /** Bytes written but not yet accepted by the kernel. Reactor thread for an exact value. */
    long pendingWriteBytes();

    /** False while pending output is above the high water mark. */
    boolean isWritable();

    /** True until the connection starts closing or its output is shut down (while writes are accepted). */
    boolean isOpen();

    /**
     * Enables or disables reading. While disabled no {@code onData} calls happen and the
     * kernel's socket buffer fills, which pushes back on the peer. Bytes a backend had already
     * received when reading was disabled are kept (within max-receive-buffer) and, like any
     * unconsumed bytes, presented again when reading is re-enabled, even if the peer sends
     * nothing more. Any thread.
     */
    void setReadEnabled(boolean enabled);

    /** Whether reading is enabled. */
    boolean isReadEnabled();

    /**
     * Presents the bytes kept from earlier {@code onData} calls (what the handler left
     * unconsumed) to the handler again, from a task on the reactor soon after, even if the peer
     * sends nothing more. For a handler that declined bytes while it was busy (a pipelined
     * request behind a deferred response) and is ready now. Nothing happens if no bytes are kept
     * or reading is disabled (re-enabling presents them anyway). Any thread.
     */
    void replayKeptInput();

    /**
     * Hands this live connection to another handler: a protocol upgrade (WebSocket, h2c), or a
     * handler that has read a preamble and passes the stream on. Reactor thread only.
     *
     * <p>Called inside {@link ConnectionHandler#onData}, the current handler then returns how
     * many bytes it consumed, as always; when it has returned, {@code next} gets
     * {@link ConnectionHandler#onOpen} and then, at once, the bytes the old handler did not
     * consume (the rest of this read, in place), followed by every byte received later: in
     * order, nothing lost or duplicated. Called elsewhere (a task, a timer, a future's
     * callback), {@code next} gets onOpen at once and then the bytes kept from earlier reads, at
     * once too, or from a task right after when called inside another callback of the old
     * handler (onData is never re-entered).
     *
     * <p>The old handler gets no further callback, not even onClose. Everything else carries
     * over as it is: pending output and writability, whether reading is enabled (bytes reach
     * {@code next} only while it is), timers, the attachment. If the peer's EOF was already
     * delivered to the old handler, {@code next} is told it again
     * ({@link ConnectionHandler#onInputClosed}) after the kept bytes. If the old handler closes
     * the connection after handing it over inside the same onData, the hand-over is dropped and
     * the old handler gets onClose.
     *
     * @return false (and nothing happens) if the connection is closing or closed
     * @throws IllegalStateException when called off the reactor thread
     * @throws UnsupportedOperationException if this connection cannot be handed over (only
     *     test doubles)
     */
    default boolean handOver(ConnectionHandler next) {
        throw new UnsupportedOperationException("handOver is not supported by " + getClass().getName());
    }

    /**
     * Half-closes the connection: no more writes (they return false and {@link #isOpen()} turns
     * false), what was written is flushed, then the peer gets FIN (its reads see EOF), while
     * the peer's bytes keep reaching the handler. When the peer's EOF arrives too, the handler
     * is told ({@link ConnectionHandler#onInputClosed}) and the connection closes
     * ({@link CloseReason#PEER_CLOSED}). If the peer's EOF has been delivered already, this is
     * {@link #close()}: both directions are then done. {@link #close()} and {@link #abort()}
     * still work afterwards. Over TLS the FIN is preceded by close_notify. Any thread;
     * idempotent; ordered after this thread's earlier writes.
     *
     * @throws UnsupportedOperationException if this connection cannot half-close (only test doubles)
     */
    default void shutdownOutput() {
        throw new UnsupportedOperationException("shutdownOutput is not supported by " + getClass().getName());
    }

    /** Flushes what was written, then closes ({@link CloseReason#LOCAL}). Any thread; idempotent. */
    void close();

    /** Closes now, discarding pending output; the peer sees a reset. Any thread; idempotent. */
    void abort();

    /** The object attached by {@link #attach}, or null. */
    Object attachment();

    /** Attaches an application object to this connection. */
    void attach(Object attachment);
}
