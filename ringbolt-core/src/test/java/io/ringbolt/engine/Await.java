package io.ringbolt.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting without sleeps-as-synchronisation: bounded polling of a condition, reactor round trips. */
public final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} every millisecond until it holds.
     *
     * @throws AssertionError naming {@code what} and the last observed value when it does not
     *                        hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, reporting {@code state} on failure. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Runs {@code task} on {@code reactor}'s thread and returns its result. */
    public static <T> T onReactor(Reactor reactor, Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        reactor.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    /**
     * Returns once every reactor has finished the loop iteration it is in now, poll included:
     * whatever it was handling when this was called (events, closes, a backend's deferred fd
     * release) is done. A single round trip would not prove it, since the reactor may run a
     * task submitted in reply in the same batch of tasks; a new value of the loop clock
     * ({@link Reactor#nanoTime()}, taken at the start of each iteration) does.
     */
    public static void quiesce(Engine engine) throws Exception {
        for (Reactor r : engine.reactors()) {
            long iterationStart = onReactor(r, r::nanoTime);
            for (int i = 0; onReactor(r, r::nanoTime) == iterationStart; i++) {
                if (i == 100_000) {
                    throw new AssertionError(r + " did not start a new loop iteration");
                }
            }
        }
    }
}
