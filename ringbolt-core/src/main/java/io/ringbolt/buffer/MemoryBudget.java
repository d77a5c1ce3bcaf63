package io.ringbolt.buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes a whole server may hold for input it has not handled yet: request bodies being
 * received, kept input, messages being assembled. Every such buffer reserves its capacity here
 * before it allocates and releases it when it frees, so the total is bounded across all
 * connections and reactors, whatever the clients declare or send. When a reservation is
 * refused the caller pushes back (pauses reading, answers 503) instead of allocating.
 *
 * <p>Thread-safe. A reservation is one CAS loop on a shared counter; it happens when a buffer
 * grows, never per request on the common path (a request that arrives whole is handled in
 * place and reserves nothing).
 */
public final class MemoryBudget {
    private final long limitBytes;
    private final AtomicLong reservedBytes = new AtomicLong();
    private final LongAdder refusals = new LongAdder();
    private final AtomicLong peakBytes = new AtomicLong();

    private MemoryBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /**
     * A budget of {@code limitBytes}.
     *
     * @throws IllegalArgumentException if {@code limitBytes} is not positive
     */
    public static MemoryBudget of(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("memory-budget=" + limitBytes + " (must be positive)");
        }
        return new MemoryBudget(limitBytes);
    }

    /** A budget that never refuses (for tests and embedders that bound memory another way). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    /**
     * The default size for a JVM whose heap may grow to {@code maxHeapBytes}: a quarter of it
     * (request bodies live on the heap), at least 16 MiB.
     */
    public static long defaultLimitBytes(long maxHeapBytes) {
        return Math.max(16L << 20, maxHeapBytes / 4);
    }

    /**
     * Reserves {@code bytes} if that keeps the total within the limit.
     *
     * @return false (nothing reserved) if the budget cannot cover it
     */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        long now;
        long next;
        do {
            now = reservedBytes.get();
            next = now + bytes;
            if (next > limitBytes || next < 0) {
                refusals.increment();
                return false;
            }
        } while (!reservedBytes.compareAndSet(now, next));
        if (next > peakBytes.get()) {
            peakBytes.accumulateAndGet(next, Math::max);
        }
        return true;
    }

    /** Gives back {@code bytes} reserved earlier. */
    public void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        long after = reservedBytes.addAndGet(-bytes);
        if (after < 0) {
            reservedBytes.addAndGet(bytes);
            throw new IllegalStateException("memory budget released more than reserved: " + bytes + " (reserved " + (after + bytes) + ")");
        }
    }

    /** The limit in bytes ({@link Long#MAX_VALUE} when unlimited). */
    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes reserved now. */
    public long reservedBytes() {
        return reservedBytes.get();
    }

    /** The most bytes ever reserved at once. */
    public long peakBytes() {
        return peakBytes.get();
    }

    /** Bytes that can still be reserved. */
    public long availableBytes() {
        return Math.max(0, limitBytes - reservedBytes.get());
    }

    /** Reservations refused so far. */
    public long refusalCount() {
        return refusals.sum();
    }

    @Override
    public String toString() {
        return "MemoryBudget[reserved=" + reservedBytes.get() + ", limit=" + limitBytes + ", refusals=" + refusals.sum() + "]";
    }
}
