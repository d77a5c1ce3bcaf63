package io.ringbolt.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * A connection's staged output: a list of pooled chunks, written at the tail and consumed from
 * the head as the kernel accepts bytes. Backends read it either as one contiguous region
 * ({@link #head()}), as an iovec array ({@link #fillIovecs}) or as NIO buffers
 * ({@link #fillNioBuffers}). Owner (reactor) thread only.
 */
public final class OutboundBuffer {
    private final ChunkPool pool;
    private Chunk head;
    private Chunk tail;
    private long readableBytes;

    /** An empty buffer drawing chunks from {@code pool}. */
    public OutboundBuffer(ChunkPool pool) {
        this.pool = pool;
    }

    /** Bytes staged and not yet consumed. */
    public long readableBytes() {
        return readableBytes;
    }

    /** True when nothing is staged. */
    public boolean isEmpty() {
        return readableBytes == 0;
    }

    /** The oldest chunk with unsent bytes, or null. */
    public Chunk head() {
        return head;
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    public void write(byte[] src, int offset, int length) {
        while (length > 0) {
            Chunk c = writableTail();
            int n = Math.min(length, c.writableBytes());
            MemorySegment.copy(src, offset, c.segment, ValueLayout.JAVA_BYTE, c.writeIndex, n);
            c.writeIndex += n;
            offset += n;
            length -= n;
            readableBytes += n;
        }
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    public void write(MemorySegment src, long offset, long length) {
        while (length > 0) {
            Chunk c = writableTail();
            int n = (int) Math.min(length, c.writableBytes());
            MemorySegment.copy(src, offset, c.segment, c.writeIndex, n);
            c.writeIndex += n;
            offset += n;
            length -= n;
            readableBytes += n;
        }
    }

    /** Appends the remaining bytes of {@code src}, advancing its position. */
    public void write(ByteBuffer src) {
        int len = src.remaining();
        if (src.hasArray()) {
            write(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            write(MemorySegment.ofBuffer(src), 0, len);
        }
        src.position(src.position() + len);
    }

    /**
     * Writes up to {@code maxCount} {@code struct iovec {void *base; size_t len}} entries for the
     * staged chunks into {@code iovecs}.
     *
     * @return number of entries written
     */
    public int fillIovecs(MemorySegment iovecs, int maxCount) {
        return fillIovecs(iovecs, 0, maxCount);
    }

    /**
     * Like {@link #fillIovecs(MemorySegment, int)}, writing the array at {@code offset} of
     * {@code dst}.
     *
     * @return number of entries written
     */
    public int fillIovecs(MemorySegment dst, long offset, int maxCount) {
        int n = 0;
        for (Chunk c = head; c != null && n < maxCount; c = c.next) {
            int len = c.readableBytes();
            if (len == 0) {
                continue;
            }
            dst.set(ValueLayout.JAVA_LONG, offset + n * 16L, c.address + c.readIndex);
            dst.set(ValueLayout.JAVA_LONG, offset + n * 16L + 8, len);
            n++;
        }
        return n;
    }

    /**
     * Points up to {@code dst.length} chunk buffers at the staged bytes, for a gathering
     * channel write, and stores them in {@code dst}.
     *
     * @return number of buffers filled
     */
    public int fillNioBuffers(ByteBuffer[] dst) {
        int n = 0;
        for (Chunk c = head; c != null && n < dst.length; c = c.next) {
            if (c.readableBytes() == 0) {
                continue;
            }
            ByteBuffer b = c.nioBuffer;
            b.limit(c.writeIndex).position(c.readIndex);
            dst[n++] = b;
        }
        return n;
    }

    /** Marks {@code bytes} from the head as sent and returns emptied chunks to the pool. */
    public void consume(long bytes) {
        if (bytes < 0 || bytes > readableBytes) {
            throw new IllegalArgumentException("bytes=" + bytes + " readable=" + readableBytes);
        }
        readableBytes -= bytes;
        while (bytes > 0) {
            Chunk c = head;
            int n = (int) Math.min(bytes, c.readableBytes());
            c.readIndex += n;
            bytes -= n;
            if (c.readIndex == c.writeIndex) {
                popHead();
            }
        }
    }

    /** Drops everything staged and returns all chunks to the pool. */
    public void release() {
        while (head != null) {
            popHead();
        }
        readableBytes = 0;
    }

    private void popHead() {
        Chunk c = head;
        head = c.next;
        if (head == null) {
            tail = null;
        }
        pool.release(c);
    }

    private Chunk writableTail() {
        Chunk t = tail;
        if (t == null || t.writableBytes() == 0) {
            Chunk c = pool.acquire();
            if (t == null) {
                head = c;
            } else {
                t.next = c;
            }
            tail = c;
            return c;
        }
        return t;
    }
}
