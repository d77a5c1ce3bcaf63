package io.ringbolt.http.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable heap byte array that response heads, chunk frames and compressed bodies are
 * encoded into before one {@code Connection.write}. Reused: {@link #clear()} keeps the
 * capacity. Not thread-safe; the owner is usually one reactor thread.
 */
public final class ByteBuf {
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] array;
    private int length;

    /** An empty buffer with {@code initialCapacity} bytes of room. */
    public ByteBuf(int initialCapacity) {
        this.array = new byte[Math.max(16, initialCapacity)];
    }

    /** The backing array; bytes {@code [0, length())} are the content. */
    public byte[] array() {
        return array;
    }

    /** Number of bytes written. */
    public int length() {
        return length;
    }

    /** Current capacity in bytes. */
    public int capacity() {
        return array.length;
    }

    /** Forgets the content, keeps the capacity. */
    public ByteBuf clear() {
        length = 0;
        return this;
    }

    /** Drops the array if it grew beyond {@code maxRetainedBytes}, so one huge body is not pinned. */
    public void trim(int maxRetainedBytes) {
        if (array.length > maxRetainedBytes) {
            array = new byte[Math.max(16, maxRetainedBytes / 4)];
        }
        length = 0;
    }

    /**
     * Makes the capacity exactly {@code newCapacity} bytes (at least the content), for owners
     * that account for every byte of capacity and must not let it double on its own.
     */
    public void resize(int newCapacity) {
        if (newCapacity < length) {
            throw new IllegalArgumentException("capacity=" + newCapacity + " length=" + length);
        }
        if (newCapacity != array.length) {
            array = Arrays.copyOf(array, Math.max(16, newCapacity));
        }
    }

    /** Makes room for {@code extra} more bytes. */
    public void ensureWritable(int extra) {
        long needed = (long) length + extra;
        if (needed > array.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("buffer would exceed 2 GiB: needed=" + needed);
            }
            array = Arrays.copyOf(array, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, array.length * 2L)));
        }
    }

    /** Sets the length after bytes were written into {@link #array()} directly. */
    public void setLength(int newLength) {
        if (newLength < 0 || newLength > array.length) {
            throw new IllegalArgumentException("length=" + newLength + " capacity=" + array.length);
        }
        length = newLength;
    }

    /** Appends one byte. */
    public ByteBuf write(int b) {
        ensureWritable(1);
        array[length++] = (byte) b;
        return this;
    }

    /** Appends all of {@code src}. */
    public ByteBuf write(byte[] src) {
        return write(src, 0, src.length);
    }

    /** Appends {@code len} bytes of {@code src} from {@code off}. */
    public ByteBuf write(byte[] src, int off, int len) {
        ensureWritable(len);
        System.arraycopy(src, off, array, length, len);
        length += len;
        return this;
    }

    /** Appends {@code len} bytes of {@code src} from {@code offset}. */
    public ByteBuf write(MemorySegment src, long offset, int len) {
        ensureWritable(len);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, array, length, len);
        length += len;
        return this;
    }

    /**
     * Appends {@code text} one byte per char; chars above 0xFF become '?'. For header names and
     * values, which are ISO-8859-1 on the wire.
     */
    public ByteBuf writeLatin1(CharSequence text) {
        int n = text.length();
        ensureWritable(n);
        byte[] a = array;
        int p = length;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            a[p++] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        length = p;
        return this;
    }

    /** Appends {@code text} as UTF-8 (ASCII without allocating). */
    public ByteBuf writeUtf8(String text) {
        int n = text.length();
        ensureWritable(n);
        byte[] a = array;
        int p = length;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                length = p;
                return write(text.substring(i).getBytes(StandardCharsets.UTF_8));
            }
            a[p++] = (byte) c;
        }
        length = p;
        return this;
    }

    /** Appends the decimal form of {@code value}. */
    public ByteBuf writeDecimal(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return writeLatin1(Long.toString(value));
            }
            write('-');
            value = -value;
        }
        int digits = HttpChars.decimalLength(value);
        ensureWritable(digits);
        int end = length + digits;
        for (int p = end - 1; p >= length; p--) {
            array[p] = DIGITS[(int) (value % 10)];
            value /= 10;
        }
        length = end;
        return this;
    }

    /** Appends the lower-case hex form of a non-negative {@code value}. */
    public ByteBuf writeHex(long value) {
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(value)) / 4);
        ensureWritable(digits);
        for (int i = digits - 1; i >= 0; i--) {
            array[length++] = DIGITS[(int) ((value >>> (i * 4)) & 0xF)];
        }
        return this;
    }

    /** Appends CR LF. */
    public ByteBuf crlf() {
        ensureWritable(2);
        array[length++] = '\r';
        array[length++] = '\n';
        return this;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(array, length);
    }

    @Override
    public String toString() {
        return new String(array, 0, length, StandardCharsets.ISO_8859_1);
    }
}
