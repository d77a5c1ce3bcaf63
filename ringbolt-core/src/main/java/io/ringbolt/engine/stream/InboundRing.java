package io.ringbolt.engine.stream;

import io.ringbolt.engine.ByteView;

/**
 * A bounded single-producer single-consumer byte ring: the reactor copies received bytes in
 * ({@link #offer}), one reading thread at a time copies them out ({@link #poll}). Neither side
 * waits or locks; waking a parked reader is the caller's business.
 *
 * <p>Positions only grow ({@code long}, so they never wrap in practice); the index of a
 * position is {@code position & mask}. The producer writes bytes, then publishes them with the
 * volatile store of {@link #tail}; the consumer's volatile load of {@code tail} pairs with it,
 * so every byte below the tail it read is visible. Symmetrically the consumer frees space with
 * the volatile store of {@link #head}, which the producer's load of {@code head} pairs with.
 *
 * <p>The array is allocated by the first {@link #offer}, so a connection that never receives
 * holds none; the field is written before the tail store that publishes the first bytes.
 */
final class InboundRing {
    private final int capacity;
    private final int mask;
    /** Null until the first offer; then never changes. Written by the producer before a tail store. */
    private byte[] bytes;
    /** Next position the consumer reads; written by the consumer only. */
    private volatile long head;
    /** Next position the producer writes; written by the producer only. */
    private volatile long tail;

    /** @param capacity a power of 2 */
    InboundRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " (must be a power of 2)");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    int capacity() {
        return capacity;
    }

    /** Bytes ready for the consumer. Any thread; exact on the consumer's thread. */
    int available() {
        return (int) (tail - head);
    }

    /** Room for the producer. Any thread; exact on the producer's thread. */
    int free() {
        return capacity - available();
    }

    /**
     * Copies as many bytes of {@code src} as fit and publishes them. Producer thread only.
     *
     * @return how many bytes were taken, from the start of {@code src}
     */
    int offer(ByteView src) {
        long t = tail;
        int n = Math.min(src.length(), capacity - (int) (t - head));
        if (n <= 0) {
            return 0;
        }
        byte[] b = bytes;
        if (b == null) {
            b = new byte[capacity];
            bytes = b;
        }
        int index = (int) t & mask;
        int first = Math.min(n, capacity - index);
        src.copyTo(0, b, index, first);
        if (first < n) {
            src.copyTo(first, b, 0, n - first);
        }
        tail = t + n;
        return n;
    }

    /**
     * Copies up to {@code length} available bytes into {@code dst} and frees their room.
     * Consumer thread only.
     *
     * @return how many bytes were copied, 0 if none were available
     */
    int poll(byte[] dst, int offset, int length) {
        long h = head;
        int n = Math.min(length, (int) (tail - h));
        if (n <= 0) {
            return 0;
        }
        byte[] b = bytes;
        int index = (int) h & mask;
        int first = Math.min(n, capacity - index);
        System.arraycopy(b, index, dst, offset, first);
        if (first < n) {
            System.arraycopy(b, 0, dst, offset + first, n - first);
        }
        head = h + n;
        return n;
    }
}
