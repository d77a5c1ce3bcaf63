package io.ringbolt.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A handler factory that wraps another and records what the engine did: connections opened
 * (and on which reactor), every {@code onClose} with its reason, the most output a connection
 * ever had pending, writability changes. Thread-safe; the callbacks run on reactor threads.
 */
public final class Recorder implements HandlerFactory {
    /** One {@code onClose} call. */
    public record Closed(Connection connection, CloseReason reason) {
    }

    private final HandlerFactory delegate;
    private final LinkedBlockingQueue<Connection> opened = new LinkedBlockingQueue<>();
    private final List<Connection> openedAll = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Closed> closed = new LinkedBlockingQueue<>();
    private final Map<Long, AtomicInteger> closeCalls = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> openedPerReactor = new ConcurrentHashMap<>();
    private final AtomicLong maxPendingWriteBytes = new AtomicLong();
    private final AtomicInteger unwritableEvents = new AtomicInteger();
    private final AtomicInteger closeCallsTotal = new AtomicInteger();

    /** Records around handlers made by {@code delegate}. */
    public Recorder(HandlerFactory delegate) {
        this.delegate = delegate;
    }

    /** Records around {@link EchoTestHandler}. */
    public static Recorder echo() {
        return new Recorder(c -> new EchoTestHandler());
    }

    @Override
    public ConnectionHandler newHandler(Connection connection) {
        return new Recording(delegate.newHandler(connection));
    }

    /** The next connection opened (in open order), waiting up to {@code timeout}. */
    public Connection awaitOpen(Duration timeout) throws InterruptedException {
        Connection c = opened.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new AssertionError("no connection opened within " + timeout);
        }
        return c;
    }

    /** The next {@code onClose} (in call order), waiting up to {@code timeout}. */
    public Closed awaitClose(Duration timeout) throws InterruptedException {
        Closed c = closed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new AssertionError("no connection closed within " + timeout);
        }
        return c;
    }

    /** How many times {@code onClose} ran for {@code connection}. */
    public int closeCalls(Connection connection) {
        AtomicInteger n = closeCalls.get(connection.id());
        return n == null ? 0 : n.get();
    }

    /** {@code onClose} calls over all connections. */
    public int closeCallsTotal() {
        return closeCallsTotal.get();
    }

    /** Every connection opened so far. */
    public List<Connection> openedConnections() {
        return List.copyOf(openedAll);
    }

    /** Connections opened per reactor index. */
    public Map<Integer, Integer> openedPerReactor() {
        Map<Integer, Integer> m = new java.util.TreeMap<>();
        openedPerReactor.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** The most output any connection had pending right after one of its callbacks. */
    public long maxPendingWriteBytes() {
        return maxPendingWriteBytes.get();
    }

    /** How often a connection became unwritable (crossed the high water mark). */
    public int unwritableEvents() {
        return unwritableEvents.get();
    }

    private final class Recording implements ConnectionHandler {
        private final ConnectionHandler h;

        Recording(ConnectionHandler h) {
            this.h = h;
        }

        private void notePending(Connection c) {
            maxPendingWriteBytes.accumulateAndGet(c.pendingWriteBytes(), Math::max);
        }

        @Override
        public void onOpen(Connection c) {
            openedPerReactor.computeIfAbsent(c.reactor().index(), k -> new AtomicInteger()).incrementAndGet();
            openedAll.add(c);
            opened.add(c);
            h.onOpen(c);
            notePending(c);
        }

        @Override
        public int onData(Connection c, ByteView data) {
            int n = h.onData(c, data);
            notePending(c);
            return n;
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (!writable) {
                unwritableEvents.incrementAndGet();
            }
            notePending(c);
            h.onWritabilityChanged(c, writable);
        }

        @Override
        public void onInputClosed(Connection c) {
            h.onInputClosed(c);
        }

        @Override
        public void onShutdown(Connection c) {
            h.onShutdown(c);
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            closeCalls.computeIfAbsent(c.id(), k -> new AtomicInteger()).incrementAndGet();
            closeCallsTotal.incrementAndGet();
            closed.add(new Closed(c, reason));
            h.onClose(c, reason);
        }
    }
}
