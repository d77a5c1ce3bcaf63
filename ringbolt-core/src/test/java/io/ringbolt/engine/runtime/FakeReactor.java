package io.ringbolt.engine.runtime;

import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A backend with no kernel behind it: {@link #poll} waits on a queue of fake events, so tests
 * drive the shared loop by hand. Every interaction goes through {@link #call}, which runs on
 * the reactor thread at the start of an iteration and returns after that iteration's flush
 * step.
 */
class FakeReactor extends AbstractReactor {
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    volatile boolean acceptingStopped;
    volatile int wakeups;

    FakeReactor(EngineConfig config, HandlerFactory handlerFactory) {
        super(config, 0, handlerFactory);
    }

    @Override
    protected void onStart() {
    }

    @Override
    protected void poll(long timeoutNs) throws InterruptedException {
        Runnable e = timeoutNs == 0 ? events.poll()
                : timeoutNs < 0 ? events.take() : events.poll(timeoutNs, TimeUnit.NANOSECONDS);
        updateClock();
        while (e != null) {
            e.run();
            e = events.poll();
        }
    }

    @Override
    protected void wakeup() {
        wakeups++;
        events.add(() -> { });
    }

    @Override
    protected void stopAccepting() {
        acceptingStopped = true;
    }

    @Override
    protected boolean quiesced() {
        return true;
    }

    @Override
    protected void startConnect(ConnectAttempt attempt, long timeoutNs) {
        attempt.fail(new java.net.ConnectException("the fake backend does not connect"));
    }

    @Override
    protected void onStop() {
        // Hand over results of calls whose iteration ended the loop (the last connection of a
        // drain closed), which no poll will deliver any more.
        for (Runnable e = events.poll(); e != null; e = events.poll()) {
            e.run();
        }
    }

    /**
     * Runs {@code task} on the reactor thread and returns its result once the rest of that loop
     * iteration (timers, flush step) has run too: the result is handed over from {@link #poll},
     * which comes after the flush step. (Completing from the task itself would let the test's
     * next call run in the same task batch, before the flush.)
     */
    <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                T value = task.call();
                events.add(() -> f.complete(value));
            } catch (Throwable t) {
                events.add(() -> f.completeExceptionally(t));
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code action} on the reactor thread and waits for it. */
    void run(ThrowingRunnable action) throws Exception {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** Opens a fake connection on the reactor thread. */
    FakeConnection open() throws Exception {
        return call(() -> {
            FakeConnection c = new FakeConnection(this);
            c.openedOk = c.open();
            return c;
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
