package io.ringbolt.engine.runtime;

import io.ringbolt.engine.AcceptMode;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of one engine, as both backends open them. In REUSEPORT mode every
 * reactor gets its own SO_REUSEPORT socket per address; with port 0 the first socket picks a
 * free port and the others bind to it, so the reactors form one kernel group. In ACCEPTOR mode
 * there is one socket per address, owned by the acceptor.
 *
 * <p>Port safety: SO_REUSEPORT would let a second server process silently join the first one's
 * sockets. Unless ports are shared on purpose ({@code shareListenPort}), a REUSEPORT-mode engine
 * first checks with {@link ListenSocketOps#isInUse} that no socket listens on the address, and
 * the acceptor's socket has no SO_REUSEPORT; either way a port held elsewhere fails the start
 * with a {@link BindException} naming the address and the opt-in. With sharing on, every
 * listener has SO_REUSEPORT, so processes that all opted in share the port.
 *
 * @param perReactor one list per reactor, in reactor order, of its own listeners (empty lists in ACCEPTOR mode)
 * @param acceptor   the acceptor's listeners (empty in REUSEPORT mode)
 * @param bound      the bound addresses, with the real ports, in configuration order
 * @param <L>        the backend's listener handle
 */
public record Listeners<L>(List<List<L>> perReactor, List<L> acceptor, List<InetSocketAddress> bound) {

    /**
     * Opens every listener. On failure everything opened so far is closed before the exception
     * propagates.
     *
     * @throws IOException naming the address
     */
    public static <L> Listeners<L> open(ListenSocketOps<L> ops, List<InetSocketAddress> addresses, AcceptMode mode,
                                        int reactorCount, boolean sharePort) throws IOException {
        List<L> opened = new ArrayList<>();
        List<List<L>> perReactor = new ArrayList<>(reactorCount);
        for (int r = 0; r < reactorCount; r++) {
            perReactor.add(new ArrayList<>());
        }
        List<L> acceptor = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                if (mode == AcceptMode.REUSEPORT) {
                    // Port 0 needs no check: the kernel picks a port no socket is bound to.
                    if (!sharePort && address.getPort() != 0 && ops.isInUse(address)) {
                        throw inUse(address, sharePort, null);
                    }
                    InetSocketAddress want = address;
                    for (int r = 0; r < reactorCount; r++) {
                        L listener = openNamed(ops, want, true, sharePort);
                        opened.add(listener);
                        perReactor.get(r).add(listener);
                        if (r == 0) {
                            // Port 0: every reactor's listener must share the port the first one got.
                            InetSocketAddress actual = ops.localAddress(listener, want);
                            bound.add(actual);
                            want = new InetSocketAddress(address.getAddress(), actual.getPort());
                        }
                    }
                } else {
                    L listener = openNamed(ops, address, sharePort, sharePort);
                    opened.add(listener);
                    acceptor.add(listener);
                    bound.add(ops.localAddress(listener, address));
                }
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(ops::close);
            throw e;
        }
        return new Listeners<>(perReactor.stream().map(List::copyOf).toList(), List.copyOf(acceptor), List.copyOf(bound));
    }

    private static <L> L openNamed(ListenSocketOps<L> ops, InetSocketAddress address, boolean reusePort,
                                   boolean sharePort) throws IOException {
        try {
            return ops.open(address, reusePort);
        } catch (BindException e) {
            throw inUse(address, sharePort, e);
        }
    }

    /** The error of a start on an address another socket listens on: names it and the opt-in. */
    static BindException inUse(InetSocketAddress address, boolean sharePort, BindException cause) {
        String message = "listen on " + describe(address) + " failed: address already in use"
                + (sharePort
                ? " by a socket that does not share it (a server started without --share-port in acceptor mode, "
                        + "or another program)"
                : " (another server runs on this port?); to share a port across processes, e.g. for a "
                        + "zero-downtime restart, start every one of them with --share-port "
                        + "(Engine.Builder.shareListenPort(true))");
        BindException e = new BindException(message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    public static String describe(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
