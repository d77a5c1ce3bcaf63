package io.ringbolt.engine;

/** Why a connection closed; delivered exactly once to {@link ConnectionHandler#onClose}. */
public enum CloseReason {
    /** The peer shut down its side (EOF) and the engine closed after flushing pending output. */
    PEER_CLOSED,
    /** The peer reset the connection (ECONNRESET, EPIPE). */
    RESET,
    /** {@link Connection#close()} or {@link Connection#abort()} was called. */
    LOCAL,
    /** An I/O error other than a reset. */
    ERROR,
    /** A handler callback threw; the exception was logged and counted. */
    HANDLER_ERROR,
    /** No bytes moved for longer than the configured idle timeout. */
    IDLE_TIMEOUT,
    /** Pending output made no progress for longer than the configured write timeout (the peer stopped reading). */
    WRITE_TIMEOUT,
    /** Unconsumed received bytes exceeded the configured receive-buffer limit. */
    OVERFLOW,
    /** The engine stopped. */
    SHUTDOWN
}
