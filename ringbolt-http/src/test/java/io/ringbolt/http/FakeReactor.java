package io.ringbolt.http;

import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.Reactor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A reactor stepped by hand: tasks queue until {@link #runTasks()}, timers fire on
 * {@link #advance(long)} of a fake clock. The thread that created it is the reactor thread.
 */
final class FakeReactor implements Reactor {
    private final Thread thread = Thread.currentThread();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Timer> timers = new ArrayList<>();
    private long nowNs = 1_000_000_000L;

    private static final class Timer implements Cancellable {
        final long deadlineNs;
        final Runnable task;
        boolean cancelled;

        Timer(long deadlineNs, Runnable task) {
            this.deadlineNs = deadlineNs;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            boolean was = !cancelled;
            cancelled = true;
            return was;
        }
    }

    @Override
    public int index() {
        return 0;
    }

    @Override
    public boolean inReactorThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public Cancellable schedule(long delay, TimeUnit unit, Runnable task) {
        Timer t = new Timer(nowNs + unit.toNanos(delay), task);
        timers.add(t);
        return t;
    }

    @Override
    public long nanoTime() {
        return nowNs;
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

    /** Runs queued tasks until none is left. */
    int runTasks() {
        int n = 0;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    /** Waits (up to 10 s) for a task from another thread, then runs everything queued. */
    void awaitAndRunTasks() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tasks.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no task arrived within 10 s");
            }
            Thread.sleep(1);
        }
        runTasks();
    }

    /** Moves the clock and fires due timers (and the tasks they queue). */
    void advance(long ns) {
        nowNs += ns;
        boolean fired = true;
        while (fired) {
            fired = false;
            for (Iterator<Timer> it = new ArrayList<>(timers).iterator(); it.hasNext(); ) {
                Timer t = it.next();
                if (!t.cancelled && nowNs - t.deadlineNs >= 0) {
                    timers.remove(t);
                    t.cancelled = true;
                    t.task.run();
                    fired = true;
                }
            }
            timers.removeIf(t -> t.cancelled);
        }
        runTasks();
    }

    /** Live timers. */
    int timerCount() {
        timers.removeIf(t -> t.cancelled);
        return timers.size();
    }
}
