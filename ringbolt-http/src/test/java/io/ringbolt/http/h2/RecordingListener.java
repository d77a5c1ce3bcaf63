package io.ringbolt.http.h2;

import io.ringbolt.engine.ByteView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Writes each frame the reader reports as one line of text. */
class RecordingListener implements FrameListener {
    final List<String> frames = new ArrayList<>();

    @Override
    public void onData(int streamId, ByteView data, int offset, int length, boolean endStream, int flowControlledLength) {
        frames.add("DATA " + streamId + " " + new String(data.toByteArray(offset, offset + length), StandardCharsets.ISO_8859_1)
                + (endStream ? " END_STREAM" : "") + " fc=" + flowControlledLength);
    }

    @Override
    public void onHeaders(int streamId, byte[] block, int length, boolean endStream) {
        frames.add("HEADERS " + streamId + " " + HexFormat.of().formatHex(block, 0, length) + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onPriority(int streamId, int dependsOn, boolean exclusive, int weight) {
        frames.add("PRIORITY " + streamId + " on " + dependsOn + (exclusive ? " exclusive" : "") + " weight " + weight);
    }

    @Override
    public void onRstStream(int streamId, long errorCode) {
        frames.add("RST_STREAM " + streamId + " " + errorCode);
    }

    @Override
    public void onSettings(boolean ack, int[] ids, long[] values, int count) {
        StringBuilder s = new StringBuilder(ack ? "SETTINGS ACK" : "SETTINGS");
        for (int i = 0; i < count; i++) {
            s.append(' ').append(ids[i]).append('=').append(values[i]);
        }
        frames.add(s.toString());
    }

    @Override
    public void onPing(boolean ack, long opaqueData) {
        frames.add("PING " + (ack ? "ACK " : "") + Long.toHexString(opaqueData));
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode) {
        frames.add("GOAWAY " + lastStreamId + " " + errorCode);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        frames.add("WINDOW_UPDATE " + streamId + " " + increment);
    }

    @Override
    public void onStreamError(Http2Exception error) throws Http2Exception {
        throw error;
    }

    @Override
    public void onPushPromise(int streamId) throws Http2Exception {
        throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
    }
}
