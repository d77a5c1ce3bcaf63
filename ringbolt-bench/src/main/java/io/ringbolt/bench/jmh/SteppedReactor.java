package io.ringbolt.bench.jmh;

import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.Reactor;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Reactor} for benchmarks on the calling thread: tasks run at once, timers never fire
 * (a benchmark ends long before any protocol timeout).
 */
final class SteppedReactor implements Reactor {
    private static final Cancellable NEVER = () -> true;
    private final Thread owner = Thread.currentThread();

    @Override
    public int index() {
        return 0;
    }

    @Override
    public boolean inReactorThread() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Cancellable schedule(long delay, TimeUnit unit, Runnable task) {
        return NEVER;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public int connectionCount() {
        return 1;
    }

    @Override
    public void forEachConnection(Consumer<Connection> action) {
    }

    /** Unlimited unless a test sets one. */
    io.ringbolt.buffer.MemoryBudget budget = io.ringbolt.buffer.MemoryBudget.unlimited();

    @Override
    public io.ringbolt.buffer.MemoryBudget memoryBudget() {
        return budget;
    }
}
