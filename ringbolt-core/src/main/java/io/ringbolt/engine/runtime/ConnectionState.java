package io.ringbolt.engine.runtime;

/**
 * The life cycle of an {@link AbstractConnection}: one int, so that the hot path tests it with a
 * compare or two and nothing is allocated. Written only by the connection's reactor thread (a
 * release store, so {@link io.ringbolt.engine.Connection#isOpen()} may read it from any thread
 * with an acquire load).
 *
 * <p>The order of the values is part of the contract: the three open states are contiguous, and
 * so are the three closing ones.
 *
 * <pre>
 *  CONNECTING ──connected──▶ OPEN                  (an outbound connection; accepted ones start OPEN)
 *  CONNECTING ──failed, timed out, aborted──▶ CLOSED (no handler ever existed; no callbacks)
 *
 *  OPEN ──peer EOF, reading paused with kept input──▶ EOF_PENDING
 *  OPEN ──peer EOF (onInputClosed)──▶ INPUT_CLOSED
 *  EOF_PENDING ──kept input presented, then onInputClosed──▶ INPUT_CLOSED
 *  INPUT_CLOSED ──handOver (the new handler is owed the EOF, after the kept bytes)──▶ EOF_PENDING
 *
 *  OPEN ──close(), output pending──▶ CLOSING
 *  EOF_PENDING, INPUT_CLOSED ──close(), output pending──▶ CLOSING_INPUT_CLOSED
 *  CLOSING ──peer EOF──▶ CLOSING_INPUT_CLOSED
 *  OPEN, CLOSING ──output flushed, linger timeout > 0──▶ LINGERING (FIN sent, input read and dropped)
 *  EOF_PENDING, INPUT_CLOSED, CLOSING_INPUT_CLOSED ──output flushed──▶ CLOSED
 *  LINGERING ──peer EOF or linger timeout──▶ CLOSED
 *
 *  any state but CLOSED ──abort(), error, reset, timeout, overflow, handler error, shutdown──▶ CLOSED
 * </pre>
 *
 * {@code onClose} is called exactly once, on the transition from an open or closing state to
 * CLOSED. Reads are allowed in every state but CONNECTING and CLOSED (closing connections still
 * present input to their handler; a lingering one drops it); writes only in the open states.
 */
final class ConnectionState {
    /** Outbound: the socket exists and the connect is in flight; no handler yet. */
    static final int CONNECTING = 0;
    /** Both directions open. */
    static final int OPEN = 1;
    /**
     * The peer's EOF arrived while reading was paused with kept input: it is held back until
     * the kept bytes were presented, then delivered ({@code onInputClosed}).
     */
    static final int EOF_PENDING = 2;
    /** Half-closed: the handler was told the peer's EOF and may still write. */
    static final int INPUT_CLOSED = 3;
    /** {@code close()} was called; pending output drains, then the connection closes. */
    static final int CLOSING = 4;
    /** As CLOSING, and the peer's EOF has arrived, so no lingering is needed after the flush. */
    static final int CLOSING_INPUT_CLOSED = 5;
    /** Output flushed and FIN sent; the peer's bytes are read and dropped until its EOF or the linger timeout. */
    static final int LINGERING = 6;
    /** Closed; the backend releases the socket once no kernel operation references it. */
    static final int CLOSED = 7;

    private ConnectionState() {
    }

    /** True in OPEN, EOF_PENDING and INPUT_CLOSED: writes are accepted, {@code isOpen()} is true. */
    static boolean isOpen(int state) {
        return state >= OPEN && state <= INPUT_CLOSED;
    }

    /** True in CLOSING, CLOSING_INPUT_CLOSED and LINGERING. */
    static boolean isClosing(int state) {
        return state >= CLOSING && state <= LINGERING;
    }

    /** True when the peer's EOF has arrived and the connection is not yet closed. */
    static boolean peerEofSeen(int state) {
        return state == EOF_PENDING || state == INPUT_CLOSED || state == CLOSING_INPUT_CLOSED;
    }

    /** The constant's name, for diagnostics. */
    static String name(int state) {
        return switch (state) {
            case CONNECTING -> "CONNECTING";
            case OPEN -> "OPEN";
            case EOF_PENDING -> "EOF_PENDING";
            case INPUT_CLOSED -> "INPUT_CLOSED";
            case CLOSING -> "CLOSING";
            case CLOSING_INPUT_CLOSED -> "CLOSING_INPUT_CLOSED";
            case LINGERING -> "LINGERING";
            case CLOSED -> "CLOSED";
            default -> "state " + state;
        };
    }
}
