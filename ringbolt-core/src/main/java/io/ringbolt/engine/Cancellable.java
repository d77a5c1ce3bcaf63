package io.ringbolt.engine;

/** A scheduled task that can be cancelled. */
public interface Cancellable {
    /**
     * Cancels the task if it has not run yet. Any thread.
     *
     * @return true if this call prevented the task from running
     */
    boolean cancel();
}
