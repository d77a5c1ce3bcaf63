package io.ringbolt.engine.nio;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Transport;
import io.ringbolt.engine.TransportServer;
import io.ringbolt.engine.runtime.Listeners;
import io.ringbolt.engine.runtime.ReactorServer;

import java.io.IOException;
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
        ListenSockets sockets = new ListenSockets(config.backlog());
        Listeners<ServerSocketChannel> listeners = Listeners.open(sockets, config.bindAddresses(), mode, reactorCount,
                config.shareListenPort());
        List<NioReactor> started = new ArrayList<>();
        try {
            List<NioReactor> reactors = new ArrayList<>(reactorCount);
            for (int i = 0; i < reactorCount; i++) {
                reactors.add(new NioReactor(config, i, handlerFactory, listeners.perReactor().get(i)));
            }
            for (NioReactor r : reactors) {
                startReactor(r);
                started.add(r);
            }
            NioAcceptor acceptor = null;
            if (!listeners.acceptor().isEmpty()) {
                acceptor = new NioAcceptor(config.threadNamePrefix(), listeners.acceptor(), reactors);
                acceptor.start();
            }
            return new ReactorServer(reactors, acceptor, listeners.bound());
        } catch (IOException | RuntimeException e) {
            ReactorServer.stopReactors(started, 0, false);
            listeners.perReactor().forEach(l -> l.forEach(sockets::close));
            listeners.acceptor().forEach(sockets::close);
            throw e;
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
