package io.ringbolt.engine.stream;

/**
 * Straight-line code serving one connection through its {@link ConnectionStream}, run by
 * {@link StreamHandler#serve} on a virtual thread of its own. It may block as it likes. When it
 * returns or throws, the stream is closed (what was written is still sent).
 */
@FunctionalInterface
public interface StreamService {
    /** Serves one connection. Runs on a virtual thread, never on a reactor. */
    void serve(ConnectionStream stream) throws Exception;
}
