package io.ringbolt.engine;

/**
 * Counters summed over all reactors at one moment (each reactor's values are read without
 * stopping it, so the sum is approximate while traffic flows).
 *
 * @param openConnections   connections open now, accepted and outbound
 * @param acceptedTotal     connections accepted since start
 * @param closedTotal       connections closed since start
 * @param rejectedTotal     accepted connections closed at once because a reactor was full
 * @param handlerErrors     handler or task exceptions caught by reactors
 * @param bytesReceived     bytes delivered to handlers
 * @param bytesSent         bytes the kernel accepted for sending
 * @param connectedTotal    outbound connections opened since start
 * @param connectFailedTotal outbound connects that failed (refused, unreachable, timed out,
 *                          cancelled, engine stopping)
 * @deprecated positional and closed to new counters; use {@link Engine#metrics()} and {@link Counter}
 */
@Deprecated
public record EngineStats(long openConnections, long acceptedTotal, long closedTotal, long rejectedTotal,
                          long handlerErrors, long bytesReceived, long bytesSent, long connectedTotal,
                          long connectFailedTotal) {

    /** The positional view of a snapshot. */
    static EngineStats of(EngineMetrics m) {
        return new EngineStats(m.get(Counter.CONNECTIONS_OPEN), m.get(Counter.CONNECTIONS_ACCEPTED),
                m.get(Counter.CONNECTIONS_CLOSED), m.get(Counter.CONNECTIONS_REJECTED), m.get(Counter.HANDLER_ERRORS),
                m.get(Counter.BYTES_RECEIVED), m.get(Counter.BYTES_SENT), m.get(Counter.CONNECTIONS_CONNECTED),
                m.get(Counter.CONNECT_FAILED));
    }
}
