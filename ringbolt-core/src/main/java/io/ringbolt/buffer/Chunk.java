package io.ringbolt.buffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A fixed-size piece of pooled off-heap memory with a read and a write index
 * ({@code 0 <= readIndex <= writeIndex <= capacity}). Owned by one reactor; chunks link into
 * {@link OutboundBuffer} lists through {@link #next}. Its memory lives as long as its
 * slab ({@code ChunkPool.Slab}): the pool frees a slab only when none of its chunks is in use.
 */
public final class Chunk {
    final MemorySegment segment;
    final long address;
    final ByteBuffer nioBuffer;
    final ChunkPool.Slab slab;
    int readIndex;
    int writeIndex;
    Chunk next;
    /** True while free in the pool (a new chunk starts free); release checks it. */
    boolean inPool = true;

    Chunk(MemorySegment segment, ChunkPool.Slab slab) {
        this.segment = segment;
        this.address = segment.address();
        this.nioBuffer = segment.asByteBuffer();
        this.slab = slab;
    }

    /** The chunk's memory, exactly {@link #capacity()} bytes. */
    public MemorySegment segment() {
        return segment;
    }

    /** Native address of byte 0. */
    public long address() {
        return address;
    }

    /** Capacity in bytes. */
    public int capacity() {
        return (int) segment.byteSize();
    }

    /** Index of the first unread byte. */
    public int readIndex() {
        return readIndex;
    }

    /** Index after the last written byte. */
    public int writeIndex() {
        return writeIndex;
    }

    /** Bytes written and not yet read. */
    public int readableBytes() {
        return writeIndex - readIndex;
    }

    /** Room left for writing. */
    public int writableBytes() {
        return capacity() - writeIndex;
    }

    /** The next chunk in an outbound list, or null. */
    public Chunk next() {
        return next;
    }

    void reset() {
        readIndex = 0;
        writeIndex = 0;
        next = null;
    }
}
