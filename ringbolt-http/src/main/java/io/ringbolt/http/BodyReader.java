package io.ringbolt.http;

import io.ringbolt.buffer.MemoryBudget;
import io.ringbolt.engine.ByteView;
import io.ringbolt.http.codec.BodyConsumer;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.ChunkedDecoder;

import java.lang.foreign.MemorySegment;

/**
 * Reads the body of one request that did not arrive whole with its head: by Content-Length or
 * chunked, into a buffer this connection owns, or piece by piece into a route's
 * {@link BodySink}. It consumes every byte it is given up to the end of the body, so the
 * engine never has to keep body bytes, unless the memory budget cannot hold them: the buffer
 * grows with the bytes that arrive (never from the declared length), and each growth is
 * reserved from the server's {@link MemoryBudget} first; when that is refused, {@link #read}
 * consumes nothing and reports {@link #NO_MEMORY}. A sink that throws stops getting data; the
 * body is still read to its end so the connection stays in sync, and the failure is reported
 * when the request is dispatched. Reactor thread only.
 */
final class BodyReader implements BodyConsumer {
    /** {@link #read} outcome: more bytes are needed. */
    static final int MORE = 0;
    /** {@link #read} outcome: the body is complete. */
    static final int DONE = 1;
    /** {@link #read} outcome: a framing error; see {@link #errorStatus()}. */
    static final int ERROR = 2;
    /** {@link #read} outcome: the memory budget cannot hold more of the body now; nothing was consumed. */
    static final int NO_MEMORY = 3;
    /** A buffer up to this size stays with the connection between requests (and stays reserved). */
    private static final int RETAINED_BYTES = 16 * 1024;

    private final int maxTrailerBytes;
    private final int maxTrailerFields;
    private final MemoryBudget budget;
    private final ByteView sinkView = new ByteView();
    private ChunkedDecoder chunked;
    private boolean isChunked;
    private long remaining;
    private long received;
    private BodySink sink;
    private Throwable sinkFailure;
    /** The most body bytes the buffer will need: the Content-Length, or the limit for chunked. */
    private long ceilingBytes;
    /** Null until a body needs it; its whole capacity is reserved from {@link #budget}. */
    private ByteBuf buffer;
    private int status;

    BodyReader(int maxTrailerBytes, int maxTrailerFields, MemoryBudget budget) {
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerFields = maxTrailerFields;
        this.budget = budget;
    }

    /**
     * Starts a body.
     *
     * @param chunkedBody   chunked framing (else {@code contentLength} bytes)
     * @param limitBytes    most body bytes accepted (a chunked body beyond it: 413)
     * @param bodySink      where the bytes go, or null to buffer them
     * @param failure       the sink factory's exception, if it threw (the body is then discarded)
     */
    void start(boolean chunkedBody, long contentLength, long limitBytes, BodySink bodySink, Throwable failure) {
        isChunked = chunkedBody;
        remaining = contentLength;
        received = 0;
        sink = bodySink;
        sinkFailure = failure;
        status = MORE;
        if (chunkedBody) {
            if (chunked == null) {
                chunked = new ChunkedDecoder(maxTrailerBytes, maxTrailerFields);
            }
            chunked.reset(limitBytes);
        }
        ceilingBytes = chunkedBody ? limitBytes : contentLength;
        if (buffer != null) {
            buffer.clear();
        }
    }

    /**
     * Consumes body bytes from {@code [base + pos, base + length)} of {@code segment}.
     *
     * @return the position after the bytes used; see {@link #status()}
     */
    int read(MemorySegment segment, long base, int pos, int length) {
        if (sink == null) {
            // Room for every body byte this input can hold (for chunked, framing included: a
            // little more than needed), reserved before anything is copied.
            long want = isChunked ? length - pos : Math.min(remaining, length - pos);
            if (!reserveRoom(want)) {
                status = NO_MEMORY;
                return pos;
            }
        }
        if (isChunked) {
            pos += chunked.decode(segment, base + pos, length - pos, this);
            status = chunked.isError() ? ERROR : chunked.isDone() ? DONE : MORE;
            return pos;
        }
        int n = (int) Math.min(remaining, length - pos);
        if (n > 0) {
            onBodyBytes(segment, base + pos, n);
        }
        remaining -= n;
        status = remaining == 0 ? DONE : MORE;
        return pos + n;
    }

    /** {@link #MORE}, {@link #DONE} or {@link #ERROR} after the last {@link #read}. */
    int status() {
        return status;
    }

    /** The status of a framing error (400, 413, 431). */
    int errorStatus() {
        return chunked.errorStatus();
    }

    /** Why the framing failed. */
    String errorReason() {
        return chunked.errorReason();
    }

    @Override
    public void onBodyBytes(MemorySegment segment, long offset, int length) {
        received += length;
        if (sink == null) {
            buffer.write(segment, offset, length);
        } else if (sinkFailure == null) {
            try {
                sink.onBodyData(sinkView.wrap(segment, offset, length));
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                sinkFailure = t;
            }
        }
    }

    /**
     * Hands the complete body to {@code request}.
     *
     * @return true if the body lives in this reader's buffer (not in a sink)
     */
    boolean finishInto(HttpRequest request) {
        if (isChunked && chunked.trailerLength() > 0) {
            request.trailers(chunked.trailerBytes());
        }
        if (sink != null) {
            request.streamedBody(sink, received);
            sink = null;
            return false;
        }
        if (buffer == null) {
            request.body(MemorySegment.NULL, 0, 0);
            return false;
        }
        request.body(MemorySegment.ofArray(buffer.array()), 0, buffer.length());
        return true;
    }

    /** The sink's (or sink factory's) exception, once; null if none. */
    Throwable takeSinkFailure() {
        Throwable t = sinkFailure;
        sinkFailure = null;
        return t;
    }

    /** Body bytes of the current body received so far. */
    long receivedBytes() {
        return received;
    }

    /** True once any byte of the current body arrived. */
    boolean hasReceived() {
        return received > 0;
    }

    /**
     * Copies {@code length} bytes at {@code offset} of {@code segment} into this connection's
     * buffer, for a body that must outlive its read (a deferred or blocking request).
     *
     * @return the buffer, or null if the memory budget cannot hold the copy
     */
    ByteBuf copy(MemorySegment segment, long offset, int length) {
        if (buffer != null) {
            buffer.clear();
        }
        ceilingBytes = length;
        if (!reserveRoom(length)) {
            return null;
        }
        return buffer.write(segment, offset, length);
    }

    /**
     * Makes room for {@code extraBytes} more bytes in the buffer, reserving the growth first:
     * doubling (within what the body can still need), or just enough when the budget is short.
     *
     * @return false if the budget cannot cover even the bytes needed
     */
    private boolean reserveRoom(long extraBytes) {
        int length = buffer == null ? 0 : buffer.length();
        int capacity = buffer == null ? 0 : buffer.capacity();
        long needed = length + extraBytes;
        if (needed <= capacity) {
            return true;
        }
        long ceiling = Math.max(needed, Math.min(ceilingBytes, Integer.MAX_VALUE - 16));
        long target = Math.max(16, Math.min(Math.max(needed, Math.max(4096, capacity * 2L)), ceiling));
        if (!budget.tryReserve(target - capacity)) {
            if (target == needed || !budget.tryReserve(needed - capacity)) {
                return false;
            }
            target = needed;
        }
        if (buffer == null) {
            buffer = new ByteBuf((int) target);
        } else {
            buffer.resize((int) target);
        }
        return true;
    }

    /** After a request: a buffer that grew beyond {@link #RETAINED_BYTES} goes back to the budget. */
    void trim() {
        if (buffer != null && buffer.capacity() > RETAINED_BYTES) {
            release();
        }
    }

    /** Gives the buffer back to the budget; the connection is closing. */
    void release() {
        if (buffer != null) {
            budget.release(buffer.capacity());
            buffer = null;
        }
        sink = null;
    }
}
