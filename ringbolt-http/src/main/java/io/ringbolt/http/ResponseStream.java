package io.ringbolt.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response body written in pieces after the head went out: chunked for HTTP/1.1 clients,
 * delimited by closing the connection for HTTP/1.0 ones. Obtained from
 * {@link HttpResponse#stream()}; {@link #close()} finishes the response.
 *
 * <p>Any thread: on the connection's reactor thread bytes are staged at once; from another
 * thread they are copied and handed to the reactor in call order. Staged bytes go out at the
 * next {@link #flush()} (or when the response finishes). Writes after the connection closed
 * are dropped; check {@link #isOpen()} to stop producing.
 */
public final class ResponseStream implements AutoCloseable {
    private final ResponseOwner owner;
    private final HttpResponse response;
    private volatile boolean closed;

    ResponseStream(ResponseOwner owner, HttpResponse response) {
        this.owner = owner;
        this.response = response;
    }

    /** Writes {@code length} bytes of {@code data} from {@code offset} as one chunk. */
    public ResponseStream write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (closed) {
            throw new IllegalStateException("stream closed");
        }
        if (length > 0) {
            owner.streamWrite(data, offset, length);
        }
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

    /** True while the connection is open and the stream not closed. */
    public boolean isOpen() {
        return !closed && owner.isOpen();
    }

    /** Ends the body (last chunk) and completes the response. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.streamEnd(response);
    }
}
