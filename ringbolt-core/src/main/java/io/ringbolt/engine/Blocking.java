package io.ringbolt.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Where blocking user code runs: one virtual thread per task, shared by every layer that runs
 * blocking code beside the reactors (HTTP's blocking routes, the blocking streams of
 * {@code io.ringbolt.engine.stream}). Reactor threads never block (DESIGN §2); a handler that
 * has blocking work hands it here and comes back through {@link Reactor#execute}.
 *
 * <p>Threads are named {@code ringbolt-blocking-N}. A virtual thread holds no platform thread
 * while it waits, so no pool size is needed; what bounds the work is what starts it (one
 * task per connection or per request). The executor cannot be shut down: its threads end with
 * their tasks and never keep the JVM alive. Any thread.
 */
public final class Blocking {
    private static final ThreadFactory THREADS = Thread.ofVirtual().name("ringbolt-blocking-", 0).factory();
    private static final Executor EXECUTOR = Blocking::execute;

    private Blocking() {
    }

    /** The shared executor: each task on a new virtual thread. */
    public static Executor executor() {
        return EXECUTOR;
    }

    /** Runs {@code task} on a new virtual thread. Any thread. */
    public static void execute(Runnable task) {
        THREADS.newThread(task).start();
    }
}
