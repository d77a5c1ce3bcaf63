package io.ringbolt.engine.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Written bytes on their way from a writing thread to the reactor: the writer fills a chunk and
 * hands it over with {@code reactor.execute(chunk)}; the reactor, running it, takes what was
 * filled and stages it on the connection. Until the reactor takes it, the writer may append
 * further small writes to the same chunk, so a run of small writes costs one hand-off.
 *
 * <p>{@link #filled} is the handshake: the writer copies bytes beyond it and then moves it
 * forward with a compare-and-set; the reactor swaps in {@link #TAKEN} and gets the count of
 * bytes published before. Bytes appended after the take lie beyond that count and are never
 * read: the writer's compare-and-set fails and it writes them again into the next chunk.
 * Chunks are reused; only the writer (one at a time, under the stream's write lock) fills them.
 */
final class OutboundChunk implements Runnable {
    /** {@link #filled} once the reactor has taken the chunk. */
    static final int TAKEN = -1;
    private static final VarHandle FILLED;

    static {
        try {
            FILLED = MethodHandles.lookup().findVarHandle(OutboundChunk.class, "filled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final byte[] bytes;
    private final ConnectionStream owner;
    /** Bytes published by the writer, or TAKEN; volatile so the take sees every byte below it. */
    private volatile int filled = TAKEN;

    OutboundChunk(ConnectionStream owner, int capacityBytes) {
        this.owner = owner;
        this.bytes = new byte[capacityBytes];
    }

    /**
     * Starts the chunk with up to its capacity of {@code src}. Writer thread, before the chunk is
     * handed over (the hand-over publishes it).
     *
     * @return bytes copied
     */
    int fill(byte[] src, int offset, int length) {
        int n = Math.min(length, bytes.length);
        System.arraycopy(src, offset, bytes, 0, n);
        filled = n;
        return n;
    }

    /**
     * Appends up to the remaining capacity of {@code src} to a handed-over chunk the reactor has
     * not taken yet. Writer thread.
     *
     * @return bytes appended: 0 if the chunk is full or already taken
     */
    int append(byte[] src, int offset, int length) {
        int f = filled;
        if (f == TAKEN || f == bytes.length) {
            return 0;
        }
        int n = Math.min(length, bytes.length - f);
        System.arraycopy(src, offset, bytes, f, n);
        return FILLED.compareAndSet(this, f, f + n) ? n : 0;
    }

    /** Takes the chunk: no more appends. Reactor thread. @return bytes to stage */
    int take() {
        return (int) FILLED.getAndSet(this, TAKEN);
    }

    /** On the reactor: stage the bytes on the connection. */
    @Override
    public void run() {
        owner.stage(this);
    }
}
