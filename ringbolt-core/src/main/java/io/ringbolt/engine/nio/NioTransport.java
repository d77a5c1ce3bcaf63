package io.ringbolt.engine.nio;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.Transport;
import io.ringbolt.engine.runtime.TransportServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The java.nio backend: one {@link java.nio.channels.Selector} per reactor, direct buffers,
 * the same handler API as io_uring. Runs wherever the JDK runs; uses no Linux-only calls.
 *
 * <p>Listeners: in REUSEPORT mode every reactor binds its own socket to each address with
 * SO_REUSEPORT (port 0: the first socket picks the port, the others bind to it) and accepts on
 * its own thread. In ACCEPTOR mode, or where SO_REUSEPORT is missing or does not balance (not
 * Linux), one acceptor thread owns one socket per address and deals accepted sockets
 * round-robin to the reactors.
 */
public final class NioTransport implements Transport {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");

    @Override
    public Backend backend() {
        return Backend.NIO;
    }

    @Override
    public String unavailabilityCause(EngineConfig config) {
        return null;
    }

    @Override
    public String features() {
        return "java.nio selector (" + SelectorProvider.provider().getClass().getSimpleName() + ")";
    }

    @Override
    public TransportServer start(EngineConfig config, HandlerFactory handlerFactory) throws IOException {
        AcceptMode mode = config.acceptMode();
        if (mode == AcceptMode.REUSEPORT && !config.bindAddresses().isEmpty()) {
            String cause = ListenSockets.reusePortUnavailableCause();
            if (cause != null) {
                LOG.log(System.Logger.Level.WARNING, "ringbolt: " + cause + "; accepting with one acceptor thread instead");
                mode = AcceptMode.ACCEPTOR;
            }
        }
        int reactorCount = config.reactorCount();
        List<ServerSocketChannel> opened = new ArrayList<>();
        List<List<ServerSocketChannel>> perReactor = new ArrayList<>();
        for (int i = 0; i < reactorCount; i++) {
            perReactor.add(new ArrayList<>());
        }
        List<ServerSocketChannel> acceptorListeners = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        List<NioReactor> started = new ArrayList<>();
        try {
            for (InetSocketAddress address : config.bindAddresses()) {
                if (mode == AcceptMode.REUSEPORT) {
                    bindReusePort(address, config, opened, perReactor, bound);
                } else {
                    ServerSocketChannel ch = ListenSockets.bind(address, config.backlog(), false);
                    opened.add(ch);
                    acceptorListeners.add(ch);
                    bound.add(ListenSockets.localAddress(ch));
                }
            }
            List<NioReactor> reactors = new ArrayList<>(reactorCount);
            for (int i = 0; i < reactorCount; i++) {
                reactors.add(new NioReactor(config, i, handlerFactory, perReactor.get(i)));
            }
            for (NioReactor r : reactors) {
                startReactor(r);
                started.add(r);
            }
            NioAcceptor acceptor = null;
            if (!acceptorListeners.isEmpty()) {
                acceptor = new NioAcceptor(config.threadNamePrefix(), acceptorListeners, reactors);
                acceptor.start();
            }
            return new NioServer(reactors, acceptor, bound);
        } catch (IOException | RuntimeException e) {
            NioServer.stopReactors(started, 0, false);
            for (ServerSocketChannel ch : opened) {
                ListenSockets.closeQuietly(ch);
            }
            throw e;
        }
    }

    /**
     * Binds one SO_REUSEPORT socket per reactor to {@code address}. With port 0 the first bind
     * picks a free port and the others join it, so the reactors form one kernel group.
     */
    private static void bindReusePort(InetSocketAddress address, EngineConfig config, List<ServerSocketChannel> opened,
                                      List<List<ServerSocketChannel>> perReactor, List<InetSocketAddress> bound)
            throws IOException {
        ServerSocketChannel first = ListenSockets.bind(address, config.backlog(), true);
        opened.add(first);
        perReactor.get(0).add(first);
        InetSocketAddress actual = ListenSockets.localAddress(first);
        bound.add(actual);
        InetSocketAddress same = new InetSocketAddress(address.getAddress(), actual.getPort());
        for (int i = 1; i < perReactor.size(); i++) {
            ServerSocketChannel ch = ListenSockets.bind(same, config.backlog(), true);
            opened.add(ch);
            perReactor.get(i).add(ch);
        }
    }

    private static void startReactor(NioReactor r) throws IOException {
        try {
            r.start();
        } catch (IOException e) {
            throw new IOException(r.threadName() + " failed to start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(r.threadName() + ": interrupted while starting", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(r.threadName() + " failed to start: " + e, e);
        }
    }
}
