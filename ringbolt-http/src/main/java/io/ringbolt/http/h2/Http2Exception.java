package io.ringbolt.http.h2;

/**
 * A protocol violation found in what the peer sent. A connection error (RFC 9113 §5.4.1,
 * {@link #streamId()} 0) ends the connection with GOAWAY; a stream error (§5.4.2) resets only
 * that stream with RST_STREAM and the connection goes on.
 */
public final class Http2Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final Http2Error error;
    private final int streamId;

    private Http2Exception(Http2Error error, int streamId, String message) {
        super(message, null, false, false);
        this.error = error;
        this.streamId = streamId;
    }

    public static Http2Exception connection(Http2Error error, String message) {
        return new Http2Exception(error, 0, message);
    }

    public static Http2Exception stream(int streamId, Http2Error error, String message) {
        return new Http2Exception(error, streamId, message);
    }

    public Http2Error error() {
        return error;
    }

    /** The stream to reset, or 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnectionError() {
        return streamId == 0;
    }
}
