package io.ringbolt.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A reactor's pool of fixed-size off-heap chunks, carved from slabs that each have their own
 * confined arena, created and closed by the reactor thread. Acquire is a free-list pop and
 * release a push at either end, plus a count in the chunk's slab: nothing is allocated once the
 * pool has grown to the working set.
 *
 * <p>The pool grows with the working set; {@link #trim} gives back slabs none of whose chunks
 * is in use, so a spike (many slow readers each staging output) does not stay resident after
 * it ends. For slabs to become free while traffic goes on, chunks of slabs that are at least
 * half in use are reused first: release puts a chunk of a mostly free slab at the bottom of the
 * free list (unless the top chunk is from the same slab, which keeps a small pool LIFO and
 * cache-warm), and trim rebuilds the list fullest slab first. Acquire makes no choice and stays
 * a pop.
 *
 * <p>Owner (reactor) thread only — the confined arenas enforce it.
 */
public final class ChunkPool implements AutoCloseable {
    /** Fullest slab first; the free list is rebuilt in this order. */
    private static final Comparator<Slab> MOST_IN_USE_FIRST = (a, b) -> Integer.compare(b.inUseCount, a.inUseCount);

    private final int chunkSize;
    private final int chunksPerSlab;
    /** A released chunk goes on top of the free list when its slab has this many in use. */
    private final int reuseFirstInUseChunks;
    /** Live slabs in [0, slabCount); trim compacts it. */
    private Slab[] slabs = new Slab[4];
    private int slabCount;
    private Chunk free;
    /** Last chunk of the free list; meaningful only while {@link #free} is not null. */
    private Chunk tail;
    private int freeCount;
    private boolean closed;

    /**
     * @param chunkSize     bytes per chunk
     * @param chunksPerSlab chunks allocated together when the pool runs dry, and freed together
     *                      by {@link #trim}
     */
    public ChunkPool(int chunkSize, int chunksPerSlab) {
        if (chunkSize < 64 || chunksPerSlab < 1 || (long) chunkSize * chunksPerSlab > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunkSize=" + chunkSize + ", chunksPerSlab=" + chunksPerSlab);
        }
        this.chunkSize = chunkSize;
        this.chunksPerSlab = chunksPerSlab;
        this.reuseFirstInUseChunks = (chunksPerSlab + 1) / 2;
    }

    /** Bytes per chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Chunks per slab: the pool grows and trims by this many. */
    public int chunksPerSlab() {
        return chunksPerSlab;
    }

    /**
     * An empty chunk (indexes 0), valid until it is passed to {@link #release}; grows the pool
     * by a slab when no chunk is free.
     *
     * @throws IllegalStateException if the pool is closed
     */
    public Chunk acquire() {
        Chunk c = free;
        if (c == null) {
            grow();
            c = free;
        }
        free = c.next;
        freeCount--;
        c.slab.inUseCount++;
        c.reset();
        c.inPool = false;
        return c;
    }

    /**
     * Returns a chunk acquired from this pool; it must not be used afterwards. Pairs with
     * {@link #acquire}. Memory the kernel may still read or write (an in-flight send) must not
     * be released before the operation's final completion: a released chunk can be reused or,
     * through {@link #trim}, freed.
     *
     * @throws IllegalStateException if the chunk is already released, belongs to another pool or
     *                               to a slab already freed (a programmer error)
     */
    public void release(Chunk c) {
        Slab s = c.slab;
        // Freeing a slab clears its owner, so one compare catches both stale and foreign chunks.
        if (c.inPool || s.owner != this) {
            throw releaseError(c);
        }
        int slabInUseChunks = --s.inUseCount;
        c.inPool = true;
        freeCount++;
        Chunk top = free;
        if (top == null) {
            c.next = null;
            free = c;
            tail = c;
        } else if (slabInUseChunks >= reuseFirstInUseChunks || top.slab == s) {
            c.next = top;
            free = c;
        } else {
            // A mostly free slab: reuse its chunks last, so that it drains and trim can free it.
            c.next = null;
            tail.next = c;
            tail = c;
        }
    }

    /** {@link #trim(int, int)} without a bound on the slabs freed by one call. */
    public int trim(int retainChunks) {
        return trim(retainChunks, Integer.MAX_VALUE);
    }

    /**
     * Frees up to {@code maxSlabs} slabs none of whose chunks is in use, as long as at least
     * {@code retainChunks} free chunks remain (all of them, if fewer were free), and rebuilds
     * the free list so that the slabs most in use are reused first. Chunks in use keep their
     * slab alive. Costs one {@code Arena.close()} per freed slab (a munmap of resident pages can
     * take tens of microseconds: {@code maxSlabs} bounds the reactor's pause), a pass over the
     * chunks of the remaining slabs and a sort of them: meant for an idle timer, not for every
     * request. A closed pool trims nothing.
     *
     * <p>Slab memory comes from the C heap ({@code Arena} uses malloc), so freeing it lowers the
     * resident set at once only when glibc served the slab by mmap; once its dynamic mmap
     * threshold has risen above the slab size, freed slabs stay resident until
     * {@code malloc_trim} runs, e.g. with {@code -XX:TrimNativeHeapInterval}.
     *
     * @param retainChunks free chunks to keep for the next burst (0 frees every free slab)
     * @param maxSlabs     most slabs to free in this call
     * @return chunks freed, a multiple of {@link #chunksPerSlab()}; call again while it returns
     *         {@code maxSlabs * chunksPerSlab()} to free the rest
     */
    public int trim(int retainChunks, int maxSlabs) {
        if (retainChunks < 0 || maxSlabs < 1) {
            throw new IllegalArgumentException("retainChunks=" + retainChunks + ", maxSlabs=" + maxSlabs);
        }
        int live = 0;
        int freedChunks = 0;
        long maxChunks = (long) maxSlabs * chunksPerSlab;
        for (int i = 0; i < slabCount; i++) {
            Slab s = slabs[i];
            if (s.inUseCount == 0 && freedChunks < maxChunks && freeCount - chunksPerSlab >= retainChunks) {
                s.free();
                freeCount -= chunksPerSlab;
                freedChunks += chunksPerSlab;
            } else {
                slabs[live++] = s;
            }
        }
        Arrays.fill(slabs, live, slabCount, null);
        slabCount = live;
        rebuildFreeList();
        return freedChunks;
    }

    /** Chunks handed out and not released. */
    public int inUse() {
        return allocated() - freeCount;
    }

    /** Chunks carved from live slabs (in use plus free). */
    public int allocated() {
        return slabCount * chunksPerSlab;
    }

    /** Chunks ready for {@link #acquire} without growing. */
    public int freeChunks() {
        return freeCount;
    }

    /** Slabs currently allocated. */
    public int slabCount() {
        return slabCount;
    }

    /** Off-heap bytes held by live slabs. */
    public long allocatedBytes() {
        return (long) allocated() * chunkSize;
    }

    /** Bytes in chunks handed out and not released. */
    public long inUseBytes() {
        return (long) inUse() * chunkSize;
    }

    /** Bytes in free chunks: what {@code trim(0)} could give back at most. */
    public long freeBytes() {
        return (long) freeCount * chunkSize;
    }

    private void grow() {
        if (closed) {
            throw new IllegalStateException("chunk pool closed: chunkSize=" + chunkSize);
        }
        Slab s = new Slab(this, chunkSize, chunksPerSlab);
        if (slabCount == slabs.length) {
            slabs = Arrays.copyOf(slabs, slabCount * 2);
        }
        slabs[slabCount++] = s;
        // Only called with an empty free list: the new slab's chunks become the whole list.
        Chunk head = null;
        for (int i = chunksPerSlab - 1; i >= 0; i--) {
            Chunk c = s.chunks[i];
            c.next = head;
            head = c;
        }
        free = head;
        tail = s.chunks[chunksPerSlab - 1];
        freeCount += chunksPerSlab;
    }

    /** Free chunks of the fullest slabs on top, chunks of fully free slabs at the bottom. */
    private void rebuildFreeList() {
        Arrays.sort(slabs, 0, slabCount, MOST_IN_USE_FIRST);
        Chunk head = null;
        tail = null;
        for (int i = slabCount - 1; i >= 0; i--) {
            Chunk[] chunks = slabs[i].chunks;
            for (int j = chunks.length - 1; j >= 0; j--) {
                Chunk c = chunks[j];
                if (c.inPool) {
                    if (head == null) {
                        tail = c;
                    }
                    c.next = head;
                    head = c;
                }
            }
        }
        free = head;
    }

    private IllegalStateException releaseError(Chunk c) {
        Slab s = c.slab;
        if (s.owner == null) {
            return new IllegalStateException("chunk's slab already freed (trimmed or pool closed): address=" + c.address);
        }
        if (s.owner != this) {
            return new IllegalStateException("chunk belongs to another pool: address=" + c.address);
        }
        return new IllegalStateException("chunk released twice: address=" + c.address);
    }

    /** Frees all memory; chunks still in use become invalid and cannot be released. Idempotent. */
    @Override
    public void close() {
        for (int i = 0; i < slabCount; i++) {
            slabs[i].free();
            slabs[i] = null;
        }
        slabCount = 0;
        free = null;
        tail = null;
        freeCount = 0;
        closed = true;
    }

    /**
     * One arena's worth of chunks, freed on its own when none of them is in use. Owner thread
     * only, like its pool.
     */
    static final class Slab {
        private final Arena arena;
        /** Indexed by position in the slab; trim rebuilds the free list from these. */
        final Chunk[] chunks;
        /** The pool while the memory is alive, null once freed. */
        ChunkPool owner;
        int inUseCount;

        Slab(ChunkPool owner, int chunkSize, int chunksPerSlab) {
            Arena a = Arena.ofConfined();
            MemorySegment memory;
            try {
                memory = a.allocate((long) chunkSize * chunksPerSlab, 64);
            } catch (RuntimeException | OutOfMemoryError e) {
                a.close();
                throw e;
            }
            this.arena = a;
            this.owner = owner;
            this.chunks = new Chunk[chunksPerSlab];
            for (int i = 0; i < chunksPerSlab; i++) {
                chunks[i] = new Chunk(memory.asSlice((long) i * chunkSize, chunkSize), this);
            }
        }

        /** True once the memory is freed: every chunk's segment is then inaccessible. */
        boolean isFreed() {
            return owner == null;
        }

        void free() {
            owner = null;
            arena.close();
        }
    }
}
