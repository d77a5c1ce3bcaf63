package io.ringbolt.engine.runtime;

import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.HandlerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One outbound connect, and the future its caller holds. It runs in up to three steps: an
 * unresolved host name is resolved on a virtual thread (never on the reactor); the reactor then
 * creates the socket and the backend starts the connect ({@link AbstractReactor#beginConnect});
 * the backend reports the outcome to the connection ({@link AbstractConnection#onConnected()} or
 * a failure), which completes this future: with the open connection after its handler's
 * {@code onOpen} returned, or with an exception naming the address and the cause
 * ({@link ConnectErrors}).
 *
 * <p>The timeout covers resolution and connect together. Cancelling the future (or completing
 * it in any other way) before the connect completed closes the socket; no handler is created.
 *
 * <p>Threading: created on the caller's thread; {@link #run()} and the failure methods run on
 * the reactor thread; the future itself is thread-safe, and dependent actions added with the
 * non-async methods run on the reactor thread when the connect completes there (they must not
 * block).
 */
public final class ConnectAttempt extends CompletableFuture<Connection> implements Runnable {
    private final AbstractReactor reactor;
    private final InetSocketAddress requested;
    private final HandlerFactory handlerFactory;
    private final long timeoutNs;
    private final long deadlineNs;
    /** The address to connect to; resolved, set before the attempt is handed to the reactor. */
    private volatile InetSocketAddress target;
    /** Why resolution failed; set before the attempt is handed to the reactor. */
    private volatile IOException resolveFailure;
    /** Fails a resolution that outlives the timeout; cancelled once it returns. */
    private volatile Cancellable resolveTimer;
    /** The connecting connection. Reactor thread. */
    private AbstractConnection connection;

    ConnectAttempt(AbstractReactor reactor, InetSocketAddress address, HandlerFactory handlerFactory, long timeoutNs) {
        this.reactor = reactor;
        this.requested = address;
        this.handlerFactory = handlerFactory;
        this.timeoutNs = timeoutNs;
        this.deadlineNs = System.nanoTime() + timeoutNs;
        this.target = address.isUnresolved() ? null : address;
    }

    /**
     * Checks the arguments of a connect call; programmer errors fail fast.
     *
     * @return the timeout in nanoseconds
     */
    static long checkArguments(SocketAddress address, HandlerFactory handlerFactory, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        Objects.requireNonNull(timeout, "timeout");
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("address=" + address + " (only InetSocketAddress is supported)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout=" + timeout + " (must be positive)");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Starts the attempt: resolves first if needed, then hands it to the reactor. Caller's thread. */
    void start() {
        if (target != null) {
            reactor.submitConnect(this);
            return;
        }
        resolveTimer = reactor.schedule(timeoutNs, TimeUnit.NANOSECONDS, this::onResolveTimeout);
        Thread.ofVirtual().name(reactor.threadName() + "-resolve").start(this::resolve);
    }

    private void resolve() {
        try {
            InetAddress address = InetAddress.getByName(requested.getHostString());
            target = new InetSocketAddress(address, requested.getPort());
        } catch (IOException | RuntimeException e) {
            resolveFailure = ConnectErrors.unresolvable(requested, e);
        }
        Cancellable timer = resolveTimer;
        if (timer != null) {
            timer.cancel();
        }
        reactor.submitConnect(this);
    }

    private void onResolveTimeout() {
        if (target == null && resolveFailure == null) {
            fail(ConnectErrors.timedOut(requested, timeoutNs));
        }
    }

    /** Reactor thread: the attempt's turn to connect (or to report its resolution failure). */
    @Override
    public void run() {
        if (isDone()) {
            return; // cancelled, or timed out while resolving
        }
        IOException failure = resolveFailure;
        if (failure != null) {
            fail(failure);
            return;
        }
        reactor.beginConnect(this);
    }

    /** The address being connected to, resolved. */
    public InetSocketAddress target() {
        return target;
    }

    /** Creates the connection's handler once it is open. */
    HandlerFactory handlerFactory() {
        return handlerFactory;
    }

    /** Nanoseconds left until the deadline (zero or less once it passed). */
    long remainingNs() {
        return deadlineNs - System.nanoTime();
    }

    /** The caller's timeout, for messages. */
    long timeoutNs() {
        return timeoutNs;
    }

    void attach(AbstractConnection c) {
        connection = c;
    }

    /** Fails the attempt and counts the failure (a backend that could not make a socket). Reactor thread. */
    public void fail(IOException cause) {
        connection = null;
        reactor.counters().onConnectFailed();
        completeExceptionally(cause);
    }

    /** The reactor is gone: nobody counts any more. Any thread. */
    void failStopped() {
        completeExceptionally(ConnectErrors.stopping(target != null ? target : requested));
    }

    /**
     * Cancels the future and, if the connect is under way, closes its socket on the reactor
     * (the connection is never opened and no handler is created).
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            reactor.execute(this::abortConnect);
        }
        return cancelled;
    }

    private void abortConnect() {
        AbstractConnection c = connection;
        if (c != null) {
            c.failConnect(ConnectErrors.cancelled(target));
        }
    }

    /** Dependent futures are plain ones: only the attempt itself closes a socket on cancel. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        return "ConnectAttempt[" + (target != null ? target : requested) + ", " + super.toString() + "]";
    }
}
