package io.ringbolt.engine.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How one backend opens, inspects and closes listening sockets; {@link Listeners} decides which
 * sockets to open. Implementations set SO_REUSEADDR on every listener (a restarted server must
 * bind while old connections of the port sit in TIME_WAIT) and report EADDRINUSE as a
 * {@link java.net.BindException}.
 *
 * @param <L> the backend's handle of a listening socket (a channel, an fd)
 */
public interface ListenSocketOps<L> {

    /**
     * Opens a listening socket bound to {@code address}.
     *
     * @param reusePort set SO_REUSEPORT before binding, so that several sockets can bind the
     *                  same address and the kernel spreads connections over them
     * @throws java.net.BindException when the address is in use
     * @throws IOException naming the address for other failures; nothing stays open
     */
    L open(InetSocketAddress address, boolean reusePort) throws IOException;

    /** The address {@code listener} is bound to, with the real port. */
    InetSocketAddress localAddress(L listener, InetSocketAddress requested) throws IOException;

    /**
     * Whether another socket listens on {@code address}, by binding a socket there with
     * SO_REUSEADDR and without SO_REUSEPORT (and without listening) and closing it at once.
     * On Linux that bind fails with EADDRINUSE exactly when a socket listens on the address,
     * whether or not that socket has SO_REUSEPORT (only sockets that all have it may share);
     * connections in TIME_WAIT do not count, thanks to SO_REUSEADDR. Port 0 is never in use.
     *
     * @throws IOException for a failure other than EADDRINUSE, naming the address
     */
    boolean isInUse(InetSocketAddress address) throws IOException;

    /** Closes {@code listener}, ignoring errors. */
    void close(L listener);
}
