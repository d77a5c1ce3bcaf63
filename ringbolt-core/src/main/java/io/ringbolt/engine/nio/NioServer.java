package io.ringbolt.engine.nio;

import io.ringbolt.engine.runtime.TransportServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The running NIO backend: reactors, the acceptor in ACCEPTOR mode, bound addresses. */
final class NioServer implements TransportServer {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    /** Time beyond the grace period for reactors to close what remains and end their threads. */
    static final long STOP_SLACK_NS = TimeUnit.SECONDS.toNanos(5);

    private final List<NioReactor> reactors;
    private final NioAcceptor acceptor;
    private final List<InetSocketAddress> boundAddresses;

    /** @param acceptor the acceptor thread, or null in REUSEPORT mode */
    NioServer(List<NioReactor> reactors, NioAcceptor acceptor, List<InetSocketAddress> boundAddresses) {
        this.reactors = List.copyOf(reactors);
        this.acceptor = acceptor;
        this.boundAddresses = List.copyOf(boundAddresses);
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return boundAddresses;
    }

    @Override
    public List<NioReactor> reactors() {
        return reactors;
    }

    @Override
    public boolean stop(Duration grace) {
        long graceNs = saturatedNanos(grace);
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
        return stopReactors(reactors, graceNs, interrupted);
    }

    /**
     * Requests a graceful stop of every reactor and waits for each until the grace period plus
     * {@link #STOP_SLACK_NS} has passed.
     *
     * @return true if every reactor reported a clean drain
     */
    static boolean stopReactors(List<NioReactor> reactors, long graceNs, boolean interrupted) {
        for (NioReactor r : reactors) {
            r.requestStop(graceNs);
        }
        long deadline = System.nanoTime() + Math.min(graceNs, Long.MAX_VALUE / 4) + STOP_SLACK_NS;
        boolean clean = true;
        for (NioReactor r : reactors) {
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
