package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The body of one HTTP/2 request as its DATA frames arrive: buffered up to the route's limit
 * (its {@link Route#maxBodyBytes(long)}, else {@link HttpOptions#maxBodyBytes()}), or handed
 * piece by piece to the route's {@link BodySink}, as on HTTP/1.1. A sink consumes each piece
 * before {@link #append} returns, so the session's WINDOW_UPDATE, which follows that return,
 * credits only bytes the application has taken: a streamed upload holds no more than one DATA
 * frame here. A sink (or sink factory) that throws stops getting data; the rest of the body is
 * counted and dropped, and the failure is reported when the request is dispatched, like
 * {@link BodyReader}. Reactor thread only.
 */
final class Http2RequestBody {
    private static final int FIRST_BUFFER_BYTES = 64 * 1024;
    private final long limitBytes;
    /** The most the buffer can need: the declared length when there is one, else the limit. */
    private final long ceilingBytes;
    private final BodySink sink;
    private final ByteView sinkView = new ByteView();
    private Throwable sinkFailure;
    private byte[] buffer = new byte[0];
    private long received;

    /**
     * @param limitBytes     the most body bytes accepted
     * @param declaredLength the request's content-length, or -1 (sizes the first buffer, up to 64 KiB)
     * @param sink           where the bytes go, or null to buffer them
     * @param failure        the sink factory's exception, if it threw (the body is then dropped)
     */
    Http2RequestBody(long limitBytes, long declaredLength, BodySink sink, Throwable failure) {
        this.limitBytes = limitBytes;
        this.ceilingBytes = declaredLength >= 0 ? Math.min(declaredLength, limitBytes) : limitBytes;
        this.sink = sink;
        this.sinkFailure = failure;
        if (sink == null && declaredLength > 0 && declaredLength <= limitBytes) {
            // A first piece only: the buffer grows with the bytes that arrive, never from the
            // declared length alone (streams that declare much and send nothing hold little).
            buffer = new byte[(int) Math.min(declaredLength, FIRST_BUFFER_BYTES)];
        }
    }

    /** The body limit of {@code route} under {@code options}. */
    static long limitOf(Route route, HttpOptions options) {
        return route.maxBodyBytes >= 0 ? route.maxBodyBytes : options.maxBodyBytes();
    }

    /**
     * Takes {@code length} bytes of {@code data} from {@code offset}.
     *
     * @return false if they would pass the limit (nothing was taken: answer 413)
     */
    boolean append(ByteView data, int offset, int length) {
        if (received + length > limitBytes) {
            return false;
        }
        if (sink != null) {
            if (sinkFailure == null) {
                try {
                    sink.onBodyData(sinkView.wrap(data.segment(), data.segmentOffset() + offset, length));
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    sinkFailure = t;
                }
            }
        } else {
            int at = (int) received;
            if (at + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(ceilingBytes, Math.max(buffer.length * 2L, (long) at + length)));
            }
            data.copyTo(offset, buffer, at, length);
        }
        received += length;
        return true;
    }

    /** Gives the request its body: the buffered bytes, or the sink and the count it received. */
    void finishInto(HttpRequest request) {
        if (sink != null) {
            request.streamedBody(sink, received);
        } else {
            request.body(received == 0 ? MemorySegment.NULL : MemorySegment.ofArray(buffer), 0, received);
        }
    }

    /** The sink's (or sink factory's) exception, once; null if none. */
    Throwable takeSinkFailure() {
        Throwable t = sinkFailure;
        sinkFailure = null;
        return t;
    }
}
