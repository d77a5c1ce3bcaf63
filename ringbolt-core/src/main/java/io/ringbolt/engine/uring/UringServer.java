package io.ringbolt.engine.uring;

import io.ringbolt.engine.runtime.TransportServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started io_uring transport: reactors, an optional acceptor, bound addresses. */
final class UringServer implements TransportServer {
    private final List<UringReactor> reactors;
    private final UringAcceptor acceptor;
    private final List<InetSocketAddress> bound;

    UringServer(List<UringReactor> reactors, UringAcceptor acceptor, List<InetSocketAddress> bound) {
        this.reactors = reactors;
        this.acceptor = acceptor;
        this.bound = List.copyOf(bound);
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return bound;
    }

    @Override
    public List<UringReactor> reactors() {
        return reactors;
    }

    @Override
    public boolean stop(Duration grace) {
        boolean clean = true;
        try {
            if (acceptor != null) {
                acceptor.stop();
            }
            long graceNs = grace.toNanos();
            for (UringReactor r : reactors) {
                r.requestStop(graceNs);
            }
            for (UringReactor r : reactors) {
                clean &= r.awaitTermination(graceNs + TimeUnit.SECONDS.toNanos(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return clean;
    }
}
