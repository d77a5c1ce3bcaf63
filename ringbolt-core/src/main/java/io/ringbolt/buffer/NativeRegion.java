package io.ringbolt.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A block of off-heap memory with its own confined arena: for memory whose lifetime is not a
 * pool's (a reactor's provided-buffer ring, a large receive accumulator). Freed by
 * {@link #close()}. Creating thread only, unless allocated with {@link #allocateShared}.
 *
 * <p>Memory the kernel may still write (a registered buffer ring) must be unregistered before
 * {@link #close()}; this class cannot know, so its owner must.
 */
public final class NativeRegion implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;

    private NativeRegion(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Allocates {@code byteSize} zeroed bytes aligned to {@code alignment} (a power of 2;
     * 4096 gives page alignment, which io_uring buffer rings require).
     */
    public static NativeRegion allocate(long byteSize, long alignment) {
        Arena arena = Arena.ofConfined();
        try {
            return new NativeRegion(arena, arena.allocate(byteSize, alignment));
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Like {@link #allocate} but readable and writable from any thread (a shared arena), for
     * the few structures that really are shared, such as the value a foreign thread writes to
     * a reactor's wakeup eventfd. Closing it costs a thread handshake: allocate once.
     */
    public static NativeRegion allocateShared(long byteSize, long alignment) {
        Arena arena = Arena.ofShared();
        try {
            return new NativeRegion(arena, arena.allocate(byteSize, alignment));
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** The memory; valid until {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** Size in bytes. */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Frees the memory. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
