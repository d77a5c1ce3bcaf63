package io.ringbolt.engine.runtime;

import io.ringbolt.engine.EngineMetrics;
import io.ringbolt.engine.TransportServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A started backend: its reactors, the acceptor in ACCEPTOR mode, the bound addresses, and the
 * one way both backends stop them.
 */
public final class ReactorServer implements TransportServer {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    /** Time beyond the grace period for reactors to close what remains and end their threads. */
    public static final long STOP_SLACK_NS = TimeUnit.SECONDS.toNanos(10);

    private final List<? extends AbstractReactor> reactors;
    private final Acceptor acceptor;
    private final List<InetSocketAddress> bound;

    /** @param acceptor the acceptor, or null in REUSEPORT mode */
    public ReactorServer(List<? extends AbstractReactor> reactors, Acceptor acceptor, List<InetSocketAddress> bound) {
        this.reactors = List.copyOf(reactors);
        this.acceptor = acceptor;
        this.bound = List.copyOf(bound);
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return bound;
    }

    @Override
    public List<? extends AbstractReactor> reactors() {
        return reactors;
    }

    @Override
    public EngineMetrics metrics() {
        EngineMetrics.Builder b = EngineMetrics.builder();
        for (AbstractReactor r : reactors) {
            r.counters().addTo(b);
        }
        return b.build();
    }

    @Override
    public boolean stop(Duration grace) {
        boolean interrupted = false;
        if (acceptor != null) {
            // First, so that every socket it accepted is queued on a reactor before that
            // reactor begins to drain.
            try {
                acceptor.stop();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return stopReactors(reactors, saturatedNanos(grace), interrupted);
    }

    /**
     * Requests a graceful stop of every reactor and waits for all of them until the grace
     * period plus {@link #STOP_SLACK_NS} has passed. Also used to undo a start that failed half-way.
     *
     * @param interrupted whether the caller was interrupted already; the interrupt is restored
     * @return true if every reactor reported a clean drain
     */
    public static boolean stopReactors(List<? extends AbstractReactor> reactors, long graceNs, boolean interrupted) {
        for (AbstractReactor r : reactors) {
            r.requestStop(graceNs);
        }
        long deadline = System.nanoTime() + Math.min(graceNs, Long.MAX_VALUE / 4) + STOP_SLACK_NS;
        boolean clean = true;
        for (AbstractReactor r : reactors) {
            try {
                clean &= r.awaitTermination(Math.max(0, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                interrupted = true;
                clean = false;
                LOG.log(System.Logger.Level.WARNING, "interrupted while stopping " + r.threadName());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return clean && !interrupted;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
