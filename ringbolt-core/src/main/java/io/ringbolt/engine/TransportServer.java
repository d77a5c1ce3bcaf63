package io.ringbolt.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** A started {@link Transport}: its reactors and bound addresses. Service-provider interface, like {@link Transport}. */
public interface TransportServer {

    /** Bound addresses, with the real port when 0 was asked for. */
    List<InetSocketAddress> boundAddresses();

    /** Reactors in index order. */
    List<? extends Reactor> reactors();

    /** A snapshot of the counters summed over the reactors. Any thread. */
    EngineMetrics metrics();

    /**
     * Counters summed over the reactors. Any thread.
     *
     * @deprecated use {@link #metrics()}, which can grow without breaking callers
     */
    @Deprecated
    default EngineStats stats() {
        return EngineStats.of(metrics());
    }

    /**
     * Stops accepting, lets handlers finish for up to {@code grace}, closes what remains, and
     * waits for every thread to end.
     *
     * @return true if all connections closed on their own within the grace period
     */
    boolean stop(Duration grace);
}
