package io.ringbolt.engine;

/** The requested backend cannot run on this machine; the message names the cause and the fix. */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message cause and fix */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
