package io.ringbolt.http.h2;

import java.util.Arrays;

/**
 * Builds outgoing frames in one growable array, to be written to the connection in one go
 * ({@link #array()}, {@link #length()}, then {@link #clear()}). Reused per connection, so a
 * warmed-up connection frames without allocating. Not thread-safe.
 */
public final class FrameWriter {
    private byte[] bytes;
    private int length;

    public FrameWriter(int initialCapacity) {
        bytes = new byte[Math.max(64, initialCapacity)];
    }

    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public void clear() {
        length = 0;
    }

    /** SETTINGS with the parameters of {@code settings} that differ from the protocol's initial values. */
    public void settings(Http2Settings settings) {
        Http2Settings initial = new Http2Settings();
        int count = 0;
        for (int id = Http2Settings.HEADER_TABLE_SIZE; id <= Http2Settings.MAX_HEADER_LIST_SIZE; id++) {
            if (settings.get(id) != initial.get(id)) {
                count++;
            }
        }
        header(count * 6, Frames.SETTINGS, 0, 0);
        for (int id = Http2Settings.HEADER_TABLE_SIZE; id <= Http2Settings.MAX_HEADER_LIST_SIZE; id++) {
            long value = settings.get(id);
            if (value != initial.get(id)) {
                ensure(6);
                bytes[length++] = (byte) (id >>> 8);
                bytes[length++] = (byte) id;
                putInt((int) Math.min(value, 0xFFFF_FFFFL));
            }
        }
    }

    public void settingsAck() {
        header(0, Frames.SETTINGS, Frames.FLAG_ACK, 0);
    }

    public void ping(boolean ack, long opaqueData) {
        header(8, Frames.PING, ack ? Frames.FLAG_ACK : 0, 0);
        putInt((int) (opaqueData >>> 32));
        putInt((int) opaqueData);
    }

    public void goAway(int lastStreamId, Http2Error error, String debug) {
        byte[] debugBytes = debug == null ? new byte[0] : debug.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        header(8 + debugBytes.length, Frames.GOAWAY, 0, 0);
        putInt(lastStreamId);
        putInt(error.code());
        put(debugBytes, 0, debugBytes.length);
    }

    public void rstStream(int streamId, Http2Error error) {
        header(4, Frames.RST_STREAM, 0, streamId);
        putInt(error.code());
    }

    public void windowUpdate(int streamId, int increment) {
        header(4, Frames.WINDOW_UPDATE, 0, streamId);
        putInt(increment);
    }

    /** A header block as HEADERS plus as many CONTINUATIONs as {@code maxFrameSize} requires. */
    public void headers(int streamId, byte[] block, int blockLength, boolean endStream, int maxFrameSize) {
        int first = Math.min(blockLength, maxFrameSize);
        int flags = (endStream ? Frames.FLAG_END_STREAM : 0) | (first == blockLength ? Frames.FLAG_END_HEADERS : 0);
        header(first, Frames.HEADERS, flags, streamId);
        put(block, 0, first);
        int done = first;
        while (done < blockLength) {
            int next = Math.min(blockLength - done, maxFrameSize);
            header(next, Frames.CONTINUATION, done + next == blockLength ? Frames.FLAG_END_HEADERS : 0, streamId);
            put(block, done, next);
            done += next;
        }
    }

    /** One DATA frame; the caller has checked the windows and {@code length <= maxFrameSize}. */
    public void data(int streamId, byte[] src, int offset, int length, boolean endStream) {
        header(length, Frames.DATA, endStream ? Frames.FLAG_END_STREAM : 0, streamId);
        put(src, offset, length);
    }

    /** A frame header; the payload follows through the other methods. */
    public void header(int payloadLength, int type, int flags, int streamId) {
        ensure(Frames.HEADER_LENGTH);
        bytes[length++] = (byte) (payloadLength >>> 16);
        bytes[length++] = (byte) (payloadLength >>> 8);
        bytes[length++] = (byte) payloadLength;
        bytes[length++] = (byte) type;
        bytes[length++] = (byte) flags;
        putInt(streamId & 0x7FFF_FFFF);
    }

    public void put(byte[] src, int offset, int count) {
        ensure(count);
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
    }

    public void putInt(int value) {
        ensure(4);
        bytes[length++] = (byte) (value >>> 24);
        bytes[length++] = (byte) (value >>> 16);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
    }

    private void ensure(int extra) {
        if (bytes.length - length < extra) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
