package io.ringbolt.buffer;

import java.lang.foreign.MemorySegment;

/**
 * A connection's unconsumed received bytes, kept contiguous so that a handler sees old and new
 * bytes as one view. Starts in a pooled chunk and moves to a private {@link NativeRegion}
 * (doubling) when it outgrows it, up to a limit. Allocated only while bytes are kept, and
 * every byte of capacity it holds is reserved from the server's {@link MemoryBudget} first.
 * Owner (reactor) thread only.
 */
public final class InboundBuffer {
    private final ChunkPool pool;
    private final int maxBytes;
    private final MemoryBudget budget;
    /** Capacity reserved from {@link #budget}: the chunk's or the region's size, 0 when released. */
    private long reservedBytes;
    private Chunk chunk;
    private NativeRegion region;
    private MemorySegment segment;
    private int start;
    private int end;

    /**
     * @param pool     where the first chunk comes from
     * @param maxBytes most bytes this buffer may hold
     * @param budget   what its capacity is reserved from
     */
    public InboundBuffer(ChunkPool pool, int maxBytes, MemoryBudget budget) {
        this.pool = pool;
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    /** Bytes kept. */
    public int length() {
        return end - start;
    }

    /** True when nothing is kept. */
    public boolean isEmpty() {
        return end == start;
    }

    /** The memory holding the bytes; they start at {@link #start()}. Null when empty and released. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of the first kept byte in {@link #segment()}. */
    public int start() {
        return start;
    }

    /**
     * Appends {@code length} bytes of {@code src} from {@code offset}.
     *
     * @return false (and nothing appended) if that would exceed the limit or the memory budget
     */
    public boolean append(MemorySegment src, long offset, int length) {
        int kept = end - start;
        if ((long) kept + length > maxBytes) {
            return false;
        }
        if (segment == null) {
            if (!budget.tryReserve(pool.chunkSize())) {
                return false;
            }
            reservedBytes = pool.chunkSize();
            chunk = pool.acquire();
            segment = chunk.segment;
            start = end = 0;
        }
        if (end + length > segment.byteSize() && !makeRoom(kept + length)) {
            return false;
        }
        MemorySegment.copy(src, offset, segment, end, length);
        end += length;
        return true;
    }

    /** Drops {@code count} bytes from the front; releases the memory when empty. */
    public void discard(int count) {
        if (count < 0 || count > end - start) {
            throw new IllegalArgumentException("count=" + count + " length=" + (end - start));
        }
        start += count;
        if (start == end) {
            release();
        }
    }

    /** Drops everything and returns the memory. */
    public void release() {
        if (chunk != null) {
            pool.release(chunk);
            chunk = null;
        }
        if (region != null) {
            region.close();
            region = null;
        }
        budget.release(reservedBytes);
        reservedBytes = 0;
        segment = null;
        start = end = 0;
    }

    /** Capacity held now (and reserved from the budget). */
    public long capacityBytes() {
        return reservedBytes;
    }

    private boolean makeRoom(int needed) {
        int kept = end - start;
        if (needed <= segment.byteSize()) {
            MemorySegment.copy(segment, start, segment, 0, kept);
        } else {
            long size = Math.max(segment.byteSize() * 2, Long.highestOneBit(needed - 1L) << 1);
            size = Math.min(size, Math.max(maxBytes, needed));
            if (!budget.tryReserve(size)) {
                return false;
            }
            NativeRegion bigger;
            try {
                bigger = NativeRegion.allocate(size, 64);
            } catch (RuntimeException | OutOfMemoryError e) {
                budget.release(size);
                throw e;
            }
            MemorySegment.copy(segment, start, bigger.segment(), 0, kept);
            if (chunk != null) {
                pool.release(chunk);
                chunk = null;
            }
            if (region != null) {
                region.close();
            }
            region = bigger;
            segment = bigger.segment();
            budget.release(reservedBytes);
            reservedBytes = size;
        }
        start = 0;
        end = kept;
        return true;
    }
}
