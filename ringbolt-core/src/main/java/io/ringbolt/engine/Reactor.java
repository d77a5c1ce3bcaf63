package io.ringbolt.engine;

import io.ringbolt.buffer.MemoryBudget;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event-loop thread with its own connections, timers and (on io_uring) its own ring.
 * Nothing on the hot path is shared between reactors.
 */
public interface Reactor extends Executor {

    /** Position of this reactor in {@link Engine#reactors()}. */
    int index();

    /** True when called on this reactor's thread. */
    boolean inReactorThread();

    /**
     * Runs {@code task} on this reactor's thread, waking the loop if it sleeps. Any thread.
     * Tasks run in submission order per submitting thread. A throwing task is logged and counted.
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code task} on this reactor's thread after {@code delay}. Any thread.
     *
     * @return a handle whose {@code cancel()} prevents the run
     */
    Cancellable schedule(long delay, TimeUnit unit, Runnable task);

    /** The loop's clock (System.nanoTime at the start of the current iteration). */
    long nanoTime();

    /** Open connections owned by this reactor. Reactor thread for an exact value. */
    int connectionCount();

    /** Calls {@code action} for every open connection of this reactor. Reactor thread only. */
    void forEachConnection(Consumer<Connection> action);

    /**
     * Opens an outbound TCP connection owned by this reactor; see
     * {@link Engine#connect(SocketAddress, HandlerFactory, Duration)} for the contract. A handler
     * that connects on its own connection's reactor ({@code connection.reactor().connect(...)})
     * keeps both connections on one thread, so it can pass bytes between them without locks.
     * Any thread.
     *
     * @throws UnsupportedOperationException if this reactor cannot connect (only test doubles)
     */
    default CompletableFuture<Connection> connect(SocketAddress address, HandlerFactory handlerFactory, Duration timeout) {
        throw new UnsupportedOperationException("connect is not supported by " + getClass().getName());
    }

    /**
     * The engine's memory budget, which protocol layers reserve from before they buffer input
     * (request bodies, messages). Any thread.
     */
    MemoryBudget memoryBudget();
}
