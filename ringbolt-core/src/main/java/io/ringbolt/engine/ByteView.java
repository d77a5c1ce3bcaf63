package io.ringbolt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A read-only window onto received bytes, seen in place. The engine reuses one instance per
 * reactor and re-points it before each {@link ConnectionHandler#onData} call, so a view (and
 * anything that reads it lazily) is valid only until the handler returns.
 *
 * <p>Indexes are relative to the start of the view and every accessor checks them against the
 * view's length, so a read past the end throws {@link IndexOutOfBoundsException} instead of
 * reading a neighbour's bytes. {@link #segment()} is the whole underlying buffer (not a slice,
 * to avoid an allocation per call); code that reads it directly must stay within
 * {@code [segmentOffset(), segmentOffset() + length())}.
 */
public final class ByteView {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int length;

    /** An empty view; {@link #wrap} points it at bytes. */
    public ByteView() {
    }

    /** A view of a heap array, for tests and for callers that already hold bytes. */
    public static ByteView of(byte[] bytes) {
        return new ByteView().wrap(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** A view of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static ByteView of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new ByteView().wrap(MemorySegment.ofArray(bytes), offset, length);
    }

    /**
     * Re-points this view at {@code length} bytes of {@code segment} from {@code offset}.
     * Engine use: the view does not own the memory.
     *
     * @return this view
     */
    public ByteView wrap(MemorySegment segment, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Number of bytes in the view. */
    public int length() {
        return length;
    }

    /** True when the view holds no bytes. */
    public boolean isEmpty() {
        return length == 0;
    }

    /** The byte at {@code index}. */
    public byte get(int index) {
        Objects.checkIndex(index, length);
        return segment.get(BYTE, offset + index);
    }

    /** The byte at {@code index} as 0..255. */
    public int getUnsigned(int index) {
        return get(index) & 0xFF;
    }

    /**
     * Index of the first {@code value} in {@code [from, to)}, or -1.
     */
    public int indexOf(byte value, int from, int to) {
        Objects.checkFromToIndex(from, to, length);
        MemorySegment s = segment;
        long base = offset;
        for (int i = from; i < to; i++) {
            if (s.get(BYTE, base + i) == value) {
                return i;
            }
        }
        return -1;
    }

    /** True if the bytes at {@code index} equal {@code expected}. */
    public boolean regionMatches(int index, byte[] expected) {
        if (index < 0 || index > length - expected.length) {
            return false;
        }
        return MemorySegment.mismatch(segment, offset + index, offset + index + expected.length,
                MemorySegment.ofArray(expected), 0, expected.length) == -1;
    }

    /** Copies {@code count} bytes from {@code srcIndex} into {@code dst} at {@code dstIndex}. */
    public void copyTo(int srcIndex, byte[] dst, int dstIndex, int count) {
        Objects.checkFromIndexSize(srcIndex, count, length);
        MemorySegment.copy(segment, BYTE, offset + srcIndex, dst, dstIndex, count);
    }

    /** Copies {@code count} bytes from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    public void copyTo(int srcIndex, MemorySegment dst, long dstOffset, int count) {
        Objects.checkFromIndexSize(srcIndex, count, length);
        MemorySegment.copy(segment, offset + srcIndex, dst, dstOffset, count);
    }

    /** A fresh array with the bytes in {@code [from, to)}. */
    public byte[] toByteArray(int from, int to) {
        Objects.checkFromToIndex(from, to, length);
        byte[] out = new byte[to - from];
        MemorySegment.copy(segment, BYTE, offset + from, out, 0, out.length);
        return out;
    }

    /** A fresh array with all bytes of the view. */
    public byte[] toByteArray() {
        return toByteArray(0, length);
    }

    /** Decodes {@code [from, to)} with {@code charset}. */
    public String toString(int from, int to, Charset charset) {
        return new String(toByteArray(from, to), charset);
    }

    /** Decodes {@code [from, to)} as ISO-8859-1 (byte = char), the usual header decoding. */
    public String toLatin1String(int from, int to) {
        return toString(from, to, StandardCharsets.ISO_8859_1);
    }

    /** The segment the view points into; bytes start at {@link #segmentOffset()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of the view's first byte within {@link #segment()}. */
    public long segmentOffset() {
        return offset;
    }

    @Override
    public String toString() {
        return "ByteView[length=" + length + "]";
    }
}
