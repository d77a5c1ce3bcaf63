package io.ringbolt.engine.runtime;

import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.EngineMetrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reactor's counters, one slot per {@link Counter} plus one per {@link CloseReason}. Written
 * only by the reactor thread with opaque stores (no atomics, no allocation), so other threads
 * read values that are recent but never torn.
 */
public final class ReactorCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int COUNTERS = Counter.values().length;
    private static final CloseReason[] REASONS = CloseReason.values();

    private static final int OPEN = Counter.CONNECTIONS_OPEN.ordinal();
    private static final int ACCEPTED = Counter.CONNECTIONS_ACCEPTED.ordinal();
    private static final int CONNECTED = Counter.CONNECTIONS_CONNECTED.ordinal();
    private static final int CLOSED = Counter.CONNECTIONS_CLOSED.ordinal();

    /** Counter slots first, then the close-reason slots. */
    private final long[] values = new long[COUNTERS + REASONS.length];

    private void add(int index, long delta) {
        // Opaque: single writer; readers only need a recent, untorn value.
        LONGS.setOpaque(values, index, (long) LONGS.getOpaque(values, index) + delta);
    }

    private long get(int index) {
        return (long) LONGS.getOpaque(values, index);
    }

    /** Adds {@code delta} to one counter. Reactor thread only. */
    public void add(Counter counter, long delta) {
        add(counter.ordinal(), delta);
    }

    /** Adds one to a counter. Reactor thread only. */
    public void increment(Counter counter) {
        add(counter.ordinal(), 1);
    }

    /** The current value of one counter. Any thread (slightly stale). */
    public long get(Counter counter) {
        return get(counter.ordinal());
    }

    /** Connections closed for {@code reason}. Any thread (slightly stale). */
    public long closed(CloseReason reason) {
        return get(COUNTERS + reason.ordinal());
    }

    void onOpened(boolean outbound) { add(OPEN, 1); add(outbound ? CONNECTED : ACCEPTED, 1); }
    void onConnectFailed() { increment(Counter.CONNECT_FAILED); }
    void onClosed(CloseReason reason) { add(OPEN, -1); add(CLOSED, 1); add(COUNTERS + reason.ordinal(), 1); }
    /** An accepted connection was refused (reactor full). Reactor thread only. */
    public void onRejected() { increment(Counter.CONNECTIONS_REJECTED); }
    void onError() { increment(Counter.HANDLER_ERRORS); }
    void onReceived(long bytes) { add(Counter.BYTES_RECEIVED, bytes); }
    void onSent(long bytes) { add(Counter.BYTES_SENT, bytes); }

    /** Adds this reactor's current values to a snapshot being built. Any thread. */
    public void addTo(EngineMetrics.Builder b) {
        for (Counter c : Counter.values()) {
            b.add(c, get(c.ordinal()));
        }
        for (CloseReason r : REASONS) {
            b.addClosed(r, get(COUNTERS + r.ordinal()));
        }
    }

    /** Connections open now. */
    public long openConnections() { return get(OPEN); }
    /** Connections accepted since start. */
    public long acceptedTotal() { return get(ACCEPTED); }
    /** Connections closed since start. */
    public long closedTotal() { return get(CLOSED); }
    /** Accepted connections refused because the reactor was full. */
    public long rejectedTotal() { return get(Counter.CONNECTIONS_REJECTED); }
    /** Handler and task exceptions. */
    public long handlerErrors() { return get(Counter.HANDLER_ERRORS); }
    /** Bytes delivered to handlers. */
    public long bytesReceived() { return get(Counter.BYTES_RECEIVED); }
    /** Bytes accepted by the kernel for sending. */
    public long bytesSent() { return get(Counter.BYTES_SENT); }
    /** Outbound connections opened since start. */
    public long connectedTotal() { return get(CONNECTED); }
    /** Outbound connects that failed (refused, unreachable, timed out, cancelled, engine stopping). */
    public long connectFailedTotal() { return get(Counter.CONNECT_FAILED); }
}
