package io.ringbolt.engine.runtime;

/**
 * The life cycle of an {@link AbstractConnection}: one int, so that the hot path tests it with a
 * compare or two and nothing is allocated. Written only by the connection's reactor thread (a
 * release store, so {@link io.ringbolt.engine.Connection#isOpen()} may read it from any thread
 * with an acquire load).
 *
 * <p>The order of the values is part of the contract: the three open states are contiguous, so
 * are the four output-shut ones and the three closing ones.
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
 *  half-close of the output (shutdownOutput(): no more writes, FIN once the output is flushed,
 *  input goes on reaching the handler):
 *  OPEN ──shutdownOutput, output pending──▶ OUTPUT_SHUTTING
 *  EOF_PENDING ──shutdownOutput, output pending──▶ OUTPUT_SHUTTING_EOF_PENDING
 *  OPEN, OUTPUT_SHUTTING ──output flushed: FIN──▶ OUTPUT_SHUT
 *  EOF_PENDING, OUTPUT_SHUTTING_EOF_PENDING ──output flushed: FIN──▶ OUTPUT_SHUT_EOF_PENDING
 *  OUTPUT_SHUTTING ──peer EOF with kept input (paused or not)──▶ OUTPUT_SHUTTING_EOF_PENDING
 *  OUTPUT_SHUT ──peer EOF with kept input (paused or not)──▶ OUTPUT_SHUT_EOF_PENDING
 *  (the EOF ends the connection here, so it waits until every kept byte was consumed)
 *  OUTPUT_SHUTTING(_EOF_PENDING) ──peer EOF delivered (onInputClosed)──▶ CLOSING_INPUT_CLOSED
 *  OUTPUT_SHUT(_EOF_PENDING) ──peer EOF delivered (onInputClosed)──▶ CLOSED (PEER_CLOSED)
 *  INPUT_CLOSED ──shutdownOutput──▶ as close(): both directions are then done
 *
 *  OPEN, OUTPUT_SHUTTING, OUTPUT_SHUT ──close(), output pending──▶ CLOSING
 *  EOF_PENDING, INPUT_CLOSED, OUTPUT_SHUTTING_EOF_PENDING, OUTPUT_SHUT_EOF_PENDING ──close(), output pending──▶ CLOSING_INPUT_CLOSED
 *  CLOSING ──peer EOF──▶ CLOSING_INPUT_CLOSED
 *  OPEN, CLOSING, OUTPUT_SHUT ──output flushed, linger timeout > 0──▶ LINGERING (FIN sent, input read and dropped)
 *  EOF_PENDING, INPUT_CLOSED, CLOSING_INPUT_CLOSED ──output flushed──▶ CLOSED
 *  LINGERING ──peer EOF or linger timeout──▶ CLOSED
 *
 *  any state but CLOSED ──abort(), error, reset, timeout, overflow, handler error, shutdown──▶ CLOSED
 * </pre>
 *
 * {@code onClose} is called exactly once, on the transition from an open, output-shut or
 * closing state to CLOSED. Reads are allowed in every state but CONNECTING and CLOSED (closing
 * connections still present input to their handler; a lingering one drops it); writes only in
 * the open states.
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
    /** {@code shutdownOutput()} was called: no more writes; pending output drains, then FIN. Input open. */
    static final int OUTPUT_SHUTTING = 4;
    /** As OUTPUT_SHUTTING, and the peer's EOF is held back until the kept input is consumed. */
    static final int OUTPUT_SHUTTING_EOF_PENDING = 5;
    /** Half-closed the other way: FIN sent, the handler still receives the peer's bytes. */
    static final int OUTPUT_SHUT = 6;
    /** As OUTPUT_SHUT, and the peer's EOF is held back until the kept input is consumed. */
    static final int OUTPUT_SHUT_EOF_PENDING = 7;
    /** {@code close()} was called; pending output drains, then the connection closes. */
    static final int CLOSING = 8;
    /** As CLOSING, and the peer's EOF has arrived, so no lingering is needed after the flush. */
    static final int CLOSING_INPUT_CLOSED = 9;
    /** Output flushed and FIN sent; the peer's bytes are read and dropped until its EOF or the linger timeout. */
    static final int LINGERING = 10;
    /** Closed; the backend releases the socket once no kernel operation references it. */
    static final int CLOSED = 11;

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

    /** True in the four states after {@code shutdownOutput()}: no writes, input still reaches the handler. */
    static boolean isOutputShut(int state) {
        return state >= OUTPUT_SHUTTING && state <= OUTPUT_SHUT_EOF_PENDING;
    }

    /** True while the peer's EOF is held back behind kept input. */
    static boolean eofPending(int state) {
        return state == EOF_PENDING || state == OUTPUT_SHUTTING_EOF_PENDING || state == OUTPUT_SHUT_EOF_PENDING;
    }

    /** True when the peer's EOF has arrived and the connection is not yet closed. */
    static boolean peerEofSeen(int state) {
        return eofPending(state) || state == INPUT_CLOSED || state == CLOSING_INPUT_CLOSED;
    }

    /** The constant's name, for diagnostics. */
    static String name(int state) {
        return switch (state) {
            case CONNECTING -> "CONNECTING";
            case OPEN -> "OPEN";
            case EOF_PENDING -> "EOF_PENDING";
            case INPUT_CLOSED -> "INPUT_CLOSED";
            case OUTPUT_SHUTTING -> "OUTPUT_SHUTTING";
            case OUTPUT_SHUTTING_EOF_PENDING -> "OUTPUT_SHUTTING_EOF_PENDING";
            case OUTPUT_SHUT -> "OUTPUT_SHUT";
            case OUTPUT_SHUT_EOF_PENDING -> "OUTPUT_SHUT_EOF_PENDING";
            case CLOSING -> "CLOSING";
            case CLOSING_INPUT_CLOSED -> "CLOSING_INPUT_CLOSED";
            case LINGERING -> "LINGERING";
            case CLOSED -> "CLOSED";
            default -> "state " + state;
        };
    }
}
