package io.ringbolt.engine.nio;

import io.ringbolt.engine.runtime.AcceptFailures;
import io.ringbolt.engine.runtime.Acceptor;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * ACCEPTOR mode: one platform thread ({@code <prefix>-acceptor}) accepts on every listening
 * socket and hands the sockets round-robin to the reactors through {@link NioReactor#execute},
 * which is the reactors' only door for cross-thread work. Owns and closes the listeners.
 */
final class NioAcceptor implements Acceptor {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    private static final long JOIN_TIMEOUT_MS = 10_000;

    private final List<ServerSocketChannel> listeners;
    private final List<NioReactor> reactors;
    private final Selector selector;
    private final Thread thread;
    private volatile boolean stopping;
    private final Consumer<SocketChannel> handOff = this::handOff;
    private final BooleanSupplier isStopping = () -> this.stopping;
    private int next;

    /** Registers the listeners with a new selector; the thread starts with {@link #start()}. */
    NioAcceptor(String threadNamePrefix, List<ServerSocketChannel> listeners, List<NioReactor> reactors) throws IOException {
        this.listeners = List.copyOf(listeners);
        this.reactors = List.copyOf(reactors);
        this.selector = Selector.open();
        try {
            for (ServerSocketChannel ch : this.listeners) {
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_ACCEPT, ch);
            }
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name(threadNamePrefix + "-acceptor").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                selector.select(this::onAcceptable);
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.ERROR, thread.getName() + " failed; no more connections are accepted", e);
            }
        } finally {
            for (ServerSocketChannel ch : listeners) {
                ListenSockets.closeQuietly(ch);
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, thread.getName() + ": closing the selector failed", e);
            }
        }
    }

    private void onAcceptable(SelectionKey key) {
        IOException failure = NioListener.acceptReady((ServerSocketChannel) key.attachment(), handOff, isStopping);
        if (failure != null) {
            backOff(failure);
        }
    }

    private void handOff(SocketChannel ch) {
        NioReactor r = reactors.get(next);
        next = next + 1 == reactors.size() ? 0 : next + 1;
        r.execute(() -> r.adopt(ch));
    }

    private void backOff(IOException e) {
        if (stopping) {
            return;
        }
        // Typically EMFILE: the listener stays ready, so retrying at once would spin. This
        // thread serves nothing else, so pausing it is the simplest correct reaction.
        NioListener.ACCEPT_FAILURES.report(AcceptFailures.keyOf(e), thread.getName(), e.toString(),
                AcceptFailures.isOutOfFds(e), true);
        try {
            TimeUnit.NANOSECONDS.sleep(NioListener.ACCEPT_FAILURES.pauseNs());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /**
     * Stops accepting, closes the listeners and waits for the thread to end. Every hand-off
     * task is queued on its reactor before this returns, so a reactor stopped afterwards runs
     * (and refuses or serves) all of them: no accepted socket is left unowned.
     */
    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        if (thread.getState() == Thread.State.NEW) {
            run(); // never started: with stopping set this only releases listeners and selector
            return;
        }
        selector.wakeup();
        thread.join(JOIN_TIMEOUT_MS);
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, thread.getName() + " did not stop within " + JOIN_TIMEOUT_MS + " ms");
        }
    }
}
