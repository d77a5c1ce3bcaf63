package io.ringbolt.http.h2;

import java.util.ArrayDeque;

/**
 * One stream of a server connection (RFC 9113 §5.1): the request that opened it and the
 * response written to it. Reactor thread only.
 *
 * <p>Writes are queued and leave as the peer's flow-control windows allow; header blocks are
 * HPACK-encoded when they leave, not when queued, because the decoder's table follows the order
 * on the wire. {@link #isWritable()} turns false when more than {@code highWaterBytes} of data
 * waits for window, so a client that never opens its window cannot grow server memory; the
 * listener hears {@code onWritable} when it drains.
 */
public final class Http2Stream {
    /** RFC 9113 §5.1, the states a server's stream passes through (no push, so no reserved). */
    public enum State { OPEN, HALF_CLOSED_REMOTE, HALF_CLOSED_LOCAL, CLOSED }

    static final int HIGH_WATER_BYTES = 256 * 1024;

    private final Http2ServerSession session;
    private final int id;
    State state = State.OPEN;
    final Http2Fields requestFields = new Http2Fields();
    Http2Fields trailers;
    /** The request's content-length, or -1. */
    long declaredLength = -1;
    long receivedBytes;
    long sendWindow;
    int receiveWindow;
    /** Received but not yet returned to the peer by WINDOW_UPDATE. */
    int unacknowledgedBytes;
    /** Usually a head and one DATA: a small deque to start with. */
    final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    long queuedDataBytes;
    boolean endQueued;
    boolean wasUnwritable;
    private Object attachment;

    Http2Stream(Http2ServerSession session, int id, long sendWindow, int receiveWindow) {
        this.session = session;
        this.id = id;
        this.sendWindow = sendWindow;
        this.receiveWindow = receiveWindow;
    }

    public int id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** The request's fields, pseudo-headers first, as validated. */
    public Http2Fields requestFields() {
        return requestFields;
    }

    /** The request's trailers, or null. */
    public Http2Fields trailers() {
        return trailers;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** Whether more response data may be queued without passing the high-water mark. */
    public boolean isWritable() {
        return queuedDataBytes < HIGH_WATER_BYTES && state != State.CLOSED;
    }

    /** Queues the response head ({@code :status} first); {@code endStream} for a response without body. */
    public void writeHeaders(Http2Fields fields, boolean endStream) {
        if (endQueued || state == State.CLOSED) {
            return;
        }
        queue.add(new QueuedHeaders(fields, endStream));
        endQueued = endStream;
        session.schedule(this);
    }

    /**
     * Writes body bytes: at once when the windows take them all and only the head waits before
     * them (no copy is kept), otherwise queued as a copy. {@code src} may be reused on return.
     */
    public void writeData(byte[] src, int offset, int length, boolean endStream) {
        if (endQueued || state == State.CLOSED) {
            return;
        }
        if (session.writeDataNow(this, src, offset, length, endStream)) {
            endQueued = endStream;
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(src, offset, copy, 0, length);
        queue.add(new QueuedData(copy, endStream));
        queuedDataBytes += length;
        endQueued = endStream;
        session.schedule(this);
    }

    /**
     * Queues body bytes without copying them: the stream takes {@code bytes}, which the caller
     * must not change afterwards (for an array made for this response).
     */
    public void writeDataTaking(byte[] bytes, boolean endStream) {
        if (endQueued || state == State.CLOSED) {
            return;
        }
        if (session.writeDataNow(this, bytes, 0, bytes.length, endStream)) {
            endQueued = endStream;
            return;
        }
        queue.add(new QueuedData(bytes, endStream));
        queuedDataBytes += bytes.length;
        endQueued = endStream;
        session.schedule(this);
    }

    /** Resets the stream (RST_STREAM); queued output is dropped. */
    public void reset(Http2Error error) {
        session.resetStream(this, error);
    }

    record QueuedHeaders(Http2Fields fields, boolean endStream) {
    }

    static final class QueuedData {
        final byte[] bytes;
        int sent;
        final boolean endStream;

        QueuedData(byte[] bytes, boolean endStream) {
            this.bytes = bytes;
            this.endStream = endStream;
        }
    }

    @Override
    public String toString() {
        return "stream " + id + " " + state;
    }
}
