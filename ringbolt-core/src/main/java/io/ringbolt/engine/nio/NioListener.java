package io.ringbolt.engine.nio;

import io.ringbolt.engine.runtime.AcceptFailures;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A reactor's own listening socket in REUSEPORT mode: accepts on the reactor thread and adopts
 * each socket into the same reactor. Reactor thread only.
 */
final class NioListener implements NioSelectable {
    /** Accepts per readiness event, so that a connection storm cannot starve the loop. */
    static final int MAX_ACCEPTS_PER_EVENT = 64;
    /**
     * Accept failures of all reactors and of the acceptor thread, keyed by
     * {@link AcceptFailures#keyOf}: EMFILE is process-wide and comes back after every 100 ms pause.
     */
    static final AcceptFailures ACCEPT_FAILURES = new AcceptFailures(100);

    private final NioReactor reactor;
    private final ServerSocketChannel channel;
    private final Consumer<SocketChannel> adopt;
    private final BooleanSupplier isClosed = () -> this.closed;
    private SelectionKey key;
    private boolean closed;

    NioListener(NioReactor reactor, ServerSocketChannel channel) {
        this.reactor = reactor;
        this.channel = channel;
        this.adopt = reactor::adopt;
    }

    void register(Selector selector) throws IOException {
        channel.configureBlocking(false);
        key = channel.register(selector, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(int readyOps) {
        IOException failure = acceptReady(channel, adopt, isClosed);
        if (failure != null) {
            onAcceptFailed(failure);
        }
    }

    /**
     * Accepts up to {@link #MAX_ACCEPTS_PER_EVENT} sockets from a ready non-blocking listener and
     * hands each to {@code sink}, until none is pending or {@code stopped} says so.
     *
     * @return the exception accept threw, or null
     */
    static IOException acceptReady(ServerSocketChannel listener, Consumer<SocketChannel> sink, BooleanSupplier stopped) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !stopped.getAsBoolean(); i++) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                return e;
            }
            if (ch == null) {
                return null;
            }
            sink.accept(ch);
        }
        return null;
    }

    private void onAcceptFailed(IOException e) {
        if (closed) {
            return;
        }
        // Level-triggered: while the cause lasts (typically EMFILE) the selector would report
        // the listener ready on every iteration, so stop watching it for a moment.
        ACCEPT_FAILURES.report(AcceptFailures.keyOf(e), reactor.threadName() + " (" + channel + ")", e.toString(),
                AcceptFailures.isOutOfFds(e), true);
        key.interestOps(0);
        reactor.schedule(ACCEPT_FAILURES.pauseNs(), TimeUnit.NANOSECONDS, () -> {
            if (!closed && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /** Stops listening; the port is released once the selector drops the key. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        ListenSockets.closeQuietly(channel);
    }
}
