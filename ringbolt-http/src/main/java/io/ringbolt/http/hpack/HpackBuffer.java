package io.ringbolt.http.hpack;

import java.util.Arrays;

/**
 * A growable byte array the encoder writes a header block into. One per connection, reused:
 * {@link #clear()} keeps the array, so a warmed-up connection encodes without allocating.
 */
public final class HpackBuffer {
    private byte[] bytes;
    private int length;

    public HpackBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public void clear() {
        length = 0;
    }

    public int length() {
        return length;
    }

    /** The backing array; bytes {@code [0, length())} are the block. */
    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    void writeByte(int b) {
        if (length == bytes.length) {
            grow(1);
        }
        bytes[length++] = (byte) b;
    }

    /** Makes room for {@code extra} more bytes and returns the offset they start at. */
    int reserve(int extra) {
        if (bytes.length - length < extra) {
            grow(extra);
        }
        int at = length;
        length += extra;
        return at;
    }

    private void grow(int extra) {
        int wanted = Math.max(bytes.length * 2, length + extra);
        bytes = Arrays.copyOf(bytes, wanted);
    }
}
