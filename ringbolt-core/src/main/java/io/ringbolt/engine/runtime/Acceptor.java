package io.ringbolt.engine.runtime;

/** The thread that accepts for all reactors in ACCEPTOR mode. */
public interface Acceptor {

    /**
     * Stops accepting, closes the listeners and waits for the thread to end. Every accepted
     * socket has been handed to a reactor (queued with {@link AbstractReactor#execute}) when
     * this returns, so reactors stopped afterwards own all of them.
     */
    void stop() throws InterruptedException;
}
