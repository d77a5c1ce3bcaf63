package io.ringbolt.http.h2;

import io.ringbolt.engine.ByteView;

/**
 * What {@link FrameReader} reports, one call per frame (a header block once, whole, after its
 * CONTINUATIONs). Each frame has passed the checks of RFC 9113 §6 that need no connection state
 * (lengths, stream 0 or not, padding, increments); the rest is the listener's. Arrays and views
 * are valid only during the call. Throwing an {@link Http2Exception} reports a violation.
 */
public interface FrameListener {
    /**
     * @param flowControlledLength the whole frame payload, padding included (RFC 9113 §6.1:
     *                             what counts against the windows)
     */
    void onData(int streamId, ByteView data, int offset, int length, boolean endStream,
                int flowControlledLength) throws Http2Exception;

    /** A complete header block (HEADERS + CONTINUATIONs, padding and priority removed). */
    void onHeaders(int streamId, byte[] block, int length, boolean endStream) throws Http2Exception;

    /**
     * A complete header block whose HEADERS frame is a stream error of its own (a dependency on
     * its own stream, RFC 9113 §5.3.1). The block must still be decoded to keep the HPACK table
     * in step (RFC 9113 §4.3); then {@code error} is the answer.
     */
    default void onRejectedHeaders(int streamId, byte[] block, int length, Http2Exception error) throws Http2Exception {
        throw error;
    }

    void onPriority(int streamId, int dependsOn, boolean exclusive, int weight) throws Http2Exception;

    void onRstStream(int streamId, long errorCode) throws Http2Exception;

    /** SETTINGS: {@code ids[i]}, {@code values[i]} for i in [0, count), in order; none when ack. */
    void onSettings(boolean ack, int[] ids, long[] values, int count) throws Http2Exception;

    void onPing(boolean ack, long opaqueData) throws Http2Exception;

    void onGoAway(int lastStreamId, long errorCode) throws Http2Exception;

    void onWindowUpdate(int streamId, int increment) throws Http2Exception;

    /** PUSH_PROMISE: only servers may send it, so a server treats it as a connection error. */
    void onPushPromise(int streamId) throws Http2Exception;

    /**
     * A stream error (RFC 9113 §5.4.2) found in a frame, by the reader or thrown by one of the
     * calls above: the frame was consumed whole, the stream is to be reset, and reading goes on.
     */
    void onStreamError(Http2Exception error) throws Http2Exception;
}
