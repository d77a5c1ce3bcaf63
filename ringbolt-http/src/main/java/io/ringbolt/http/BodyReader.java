package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.http.codec.BodyConsumer;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.ChunkedDecoder;

import java.lang.foreign.MemorySegment;

/**
 * Reads the body of one request that did not arrive whole with its head: by Content-Length or
 * chunked, into a buffer this connection owns, or piece by piece into a route's
 * {@link BodySink}. It consumes every byte it is given up to the end of the body, so the
 * engine never has to keep body bytes. A sink that throws stops getting data; the body is
 * still read to its end so the connection stays in sync, and the failure is reported when
 * the request is dispatched. Reactor thread only.
 */
final class BodyReader implements BodyConsumer {
    /** {@link #read} outcome: more bytes are needed. */
    static final int MORE = 0;
    /** {@link #read} outcome: the body is complete. */
    static final int DONE = 1;
    /** {@link #read} outcome: a framing error; see {@link #errorStatus()}. */
    static final int ERROR = 2;
    private static final int MAX_RETAINED_BYTES = 256 * 1024;

    private final int maxTrailerBytes;
    private final int maxTrailerFields;
    private final ByteView sinkView = new ByteView();
    private ChunkedDecoder chunked;
    private boolean isChunked;
    private long remaining;
    private long received;
    private BodySink sink;
    private Throwable sinkFailure;
    private ByteBuf buffer;
    private int status;

    BodyReader(int maxTrailerBytes, int maxTrailerFields) {
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerFields = maxTrailerFields;
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
        if (bodySink == null) {
            buffer().clear().ensureWritable((int) Math.min(chunkedBody ? 4096 : contentLength, 1 << 20));
        }
    }

    /**
     * Consumes body bytes from {@code [base + pos, base + length)} of {@code segment}.
     *
     * @return the position after the bytes used; see {@link #status()}
     */
    int read(MemorySegment segment, long base, int pos, int length) {
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
        request.body(MemorySegment.ofArray(buffer.array()), 0, buffer.length());
        return true;
    }

    /** The sink's (or sink factory's) exception, once; null if none. */
    Throwable takeSinkFailure() {
        Throwable t = sinkFailure;
        sinkFailure = null;
        return t;
    }

    /** This connection's body buffer, also used to copy a body that must outlive its read. */
    ByteBuf buffer() {
        if (buffer == null) {
            buffer = new ByteBuf(4096);
        }
        return buffer;
    }

    /** Drops a buffer that grew large for one request. */
    void trim() {
        if (buffer != null && buffer.capacity() > MAX_RETAINED_BYTES) {
            buffer.trim(MAX_RETAINED_BYTES);
        }
    }
}
