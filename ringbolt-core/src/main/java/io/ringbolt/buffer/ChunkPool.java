package io.ringbolt.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reactor's pool of fixed-size off-heap chunks, carved from slabs of a confined arena that
 * the reactor thread creates and closes. Acquire and release are a free-list pop and push:
 * nothing is allocated once the pool has grown to the working set.
 *
 * <p>Owner (reactor) thread only — the confined arena enforces it.
 */
public final class ChunkPool implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final int chunkSize;
    private final int chunksPerSlab;
    private Chunk free;
    private int freeCount;
    private int allocatedCount;

    /**
     * @param chunkSize     bytes per chunk
     * @param chunksPerSlab chunks allocated together when the pool runs dry
     */
    public ChunkPool(int chunkSize, int chunksPerSlab) {
        if (chunkSize < 64 || chunksPerSlab < 1) {
            throw new IllegalArgumentException("chunkSize=" + chunkSize + ", chunksPerSlab=" + chunksPerSlab);
        }
        this.chunkSize = chunkSize;
        this.chunksPerSlab = chunksPerSlab;
    }

    /** Bytes per chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** An empty chunk (indexes 0). */
    public Chunk acquire() {
        Chunk c = free;
        if (c == null) {
            grow();
            c = free;
        }
        free = c.next;
        freeCount--;
        c.reset();
        c.inPool = false;
        return c;
    }

    /** Returns a chunk to the pool; it must not be used afterwards. */
    public void release(Chunk c) {
        if (c.inPool) {
            throw new IllegalStateException("chunk released twice");
        }
        c.inPool = true;
        c.next = free;
        free = c;
        freeCount++;
    }

    /** Chunks handed out and not released. */
    public int inUse() {
        return allocatedCount - freeCount;
    }

    /** Chunks ever carved (in use plus free). */
    public int allocated() {
        return allocatedCount;
    }

    private void grow() {
        MemorySegment slab = arena.allocate((long) chunkSize * chunksPerSlab, 64);
        for (int i = chunksPerSlab - 1; i >= 0; i--) {
            Chunk c = new Chunk(slab.asSlice((long) i * chunkSize, chunkSize));
            c.inPool = true;
            c.next = free;
            free = c;
        }
        freeCount += chunksPerSlab;
        allocatedCount += chunksPerSlab;
    }

    /** Frees all memory; chunks still in use become invalid. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        free = null;
    }
}
