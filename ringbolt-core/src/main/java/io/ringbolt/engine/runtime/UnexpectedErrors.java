package io.ringbolt.engine.runtime;

import io.ringbolt.engine.RateLimitedLog;

import java.util.Objects;

/**
 * The one policy for an error on a connection that no errno table expected: it is a fault of
 * that connection (or a bug in its code path), never of the reactor. The caller closes that one
 * connection with {@link io.ringbolt.engine.CloseReason#ERROR}; this class logs it, rate-limited
 * per kind (operation, errno, exception class), because a peer may trigger it on every
 * connection. Expected outcomes (reset by the peer, cancellation) are not reported here.
 */
public final class UnexpectedErrors {
    private static final UnexpectedErrors SHARED = new UnexpectedErrors(
            new RateLimitedLog(AbstractReactor.LOG, System.Logger.Level.WARNING));

    private final RateLimitedLog warnings;

    /** @param warnings where the lines go (tests give one with their own logger and clock) */
    public UnexpectedErrors(RateLimitedLog warnings) {
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** The process-wide instance both backends report to. */
    public static UnexpectedErrors shared() {
        return SHARED;
    }

    /**
     * Logs an unexpected error of one connection, unless one of the same kind went out within
     * the last second. Allocation-free when suppressed. Any thread.
     *
     * @param connection the connection, for the message ({@code toString} names id, peer, state)
     * @param operation  what failed: {@code "recv"}, {@code "send"}, {@code "readiness"}...
     * @param errno      the errno's name ({@code "EIO"}), or the exception's text without one
     * @param thrown     the exception, or null for a completion's errno
     * @return true if a line went out
     */
    public boolean report(Object connection, String operation, String errno, Throwable thrown) {
        int key = 31 * (31 * operation.hashCode() + errno.hashCode()) + (thrown == null ? 0 : thrown.getClass().hashCode());
        if (!warnings.isDue(key)) {
            return false;
        }
        String message = connection + ": " + operation + " failed unexpectedly with " + errno + "; closing this connection";
        return thrown == null ? warnings.log(key, message) : warnings.log(key, message, thrown);
    }
}
