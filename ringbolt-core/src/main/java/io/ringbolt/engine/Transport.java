package io.ringbolt.engine;

import java.io.IOException;

/**
 * A backend's entry point: tells whether it can run, and starts reactors and listeners.
 *
 * <p>Service-provider interface between {@link Engine} and its built-in backends (io_uring,
 * NIO), which the engine finds with {@link java.util.ServiceLoader} so that this package does
 * not depend on them (DESIGN §1). Applications neither implement nor call it.
 */
public interface Transport {

    /** The backend this transport implements. */
    Backend backend();

    /**
     * Why this transport cannot run with {@code config} on this machine, naming the fix;
     * null when it can.
     */
    String unavailabilityCause(EngineConfig config);

    /** One line of the kernel or platform features in use, for the start-up line. */
    String features();

    /**
     * Binds every configured address and starts the reactors; returns once they run.
     * On failure everything already started is stopped before the exception propagates.
     */
    TransportServer start(EngineConfig config, HandlerFactory handlerFactory) throws IOException;
}
