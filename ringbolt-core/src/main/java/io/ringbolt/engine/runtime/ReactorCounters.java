package io.ringbolt.engine.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reactor's counters. Written only by the reactor thread with opaque stores, so other
 * threads read values that are recent but never torn.
 */
public final class ReactorCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int OPEN = 0, ACCEPTED = 1, CLOSED = 2, REJECTED = 3, ERRORS = 4, IN = 5, OUT = 6,
            CONNECTED = 7, CONNECT_FAILED = 8;
    private final long[] values = new long[9];

    private void add(int index, long delta) {
        // Opaque: single writer; readers only need a recent, untorn value.
        LONGS.setOpaque(values, index, (long) LONGS.getOpaque(values, index) + delta);
    }

    private long get(int index) {
        return (long) LONGS.getOpaque(values, index);
    }

    void onOpened(boolean outbound) { add(OPEN, 1); add(outbound ? CONNECTED : ACCEPTED, 1); }
    void onConnectFailed() { add(CONNECT_FAILED, 1); }
    void onClosed() { add(OPEN, -1); add(CLOSED, 1); }
    /** An accepted connection was refused (reactor full). Reactor thread only. */
    public void onRejected() { add(REJECTED, 1); }
    void onError() { add(ERRORS, 1); }
    void onReceived(long bytes) { add(IN, bytes); }
    void onSent(long bytes) { add(OUT, bytes); }

    /** Connections open now. */
    public long openConnections() { return get(OPEN); }
    /** Connections accepted since start. */
    public long acceptedTotal() { return get(ACCEPTED); }
    /** Connections closed since start. */
    public long closedTotal() { return get(CLOSED); }
    /** Accepted connections refused because the reactor was full. */
    public long rejectedTotal() { return get(REJECTED); }
    /** Handler and task exceptions. */
    public long handlerErrors() { return get(ERRORS); }
    /** Bytes delivered to handlers. */
    public long bytesReceived() { return get(IN); }
    /** Bytes accepted by the kernel for sending. */
    public long bytesSent() { return get(OUT); }
    /** Outbound connections opened since start. */
    public long connectedTotal() { return get(CONNECTED); }
    /** Outbound connects that failed (refused, unreachable, timed out, cancelled, engine stopping). */
    public long connectFailedTotal() { return get(CONNECT_FAILED); }
}
