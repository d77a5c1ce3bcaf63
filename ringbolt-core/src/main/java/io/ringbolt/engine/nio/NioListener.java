package io.ringbolt.engine.nio;

import io.ringbolt.engine.RateLimitedLog;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A reactor's own listening socket in REUSEPORT mode: accepts on the reactor thread and adopts
 * each socket into the same reactor. Reactor thread only.
 */
final class NioListener implements NioSelectable {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    /** Accepts per readiness event, so that a connection storm cannot starve the loop. */
    static final int MAX_ACCEPTS_PER_EVENT = 64;
    /** Pause after an accept error such as EMFILE, which would otherwise be reported at once again. */
    private static final long ACCEPT_BACKOFF_MS = 100;
    /**
     * Accept failures of all reactors, keyed by {@link #acceptFailureKey}: EMFILE is
     * process-wide and comes back after every pause, on every reactor.
     */
    private static final RateLimitedLog ACCEPT_WARNINGS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);

    private final NioReactor reactor;
    private final ServerSocketChannel channel;
    private SelectionKey key;
    private boolean closed;

    NioListener(NioReactor reactor, ServerSocketChannel channel) {
        this.reactor = reactor;
        this.channel = channel;
    }

    void register(Selector selector) throws IOException {
        channel.configureBlocking(false);
        key = channel.register(selector, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(int readyOps) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !closed; i++) {
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                onAcceptFailed(e);
                return;
            }
            if (ch == null) {
                return;
            }
            reactor.adopt(ch);
        }
    }

    private void onAcceptFailed(IOException e) {
        if (closed) {
            return;
        }
        // Level-triggered: while the cause lasts (typically EMFILE) the selector would report
        // the listener ready on every iteration, so stop watching it for a moment.
        int warningKey = acceptFailureKey(e);
        if (ACCEPT_WARNINGS.isDue(warningKey)) {
            ACCEPT_WARNINGS.log(warningKey, reactor.threadName() + ": accept on " + channel
                    + " failed; pausing accepts for " + ACCEPT_BACKOFF_MS + " ms: " + e);
        }
        key.interestOps(0);
        reactor.schedule(ACCEPT_BACKOFF_MS, TimeUnit.MILLISECONDS, () -> {
            if (!closed && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /**
     * The rate-limit key of an accept failure: NIO gives no errno, but the JDK's message names
     * it ("Too many open files"), so equal messages are the same warning.
     */
    static int acceptFailureKey(IOException e) {
        return Objects.hashCode(e.getMessage());
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
