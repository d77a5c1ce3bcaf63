package io.ringbolt.engine.runtime;

import io.ringbolt.engine.RateLimitedLog;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What an acceptor does when accept fails: pause that listener for {@link #pauseNs()} and warn,
 * rate-limited per kind of failure. The typical cause, EMFILE, lasts and is process-wide: the
 * listener stays ready, so accepting again at once would spin, and every pause on every reactor
 * ends with the same failure, so unlimited it would log many lines a second.
 */
public final class AcceptFailures {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");

    private final RateLimitedLog warnings = new RateLimitedLog(LOG, System.Logger.Level.WARNING);
    private final long pauseNs;

    /** @param pauseMs how long a listener rests after a failed accept */
    public AcceptFailures(long pauseMs) {
        this.pauseNs = TimeUnit.MILLISECONDS.toNanos(pauseMs);
    }

    /** How long a listener rests after a failed accept. */
    public long pauseNs() {
        return pauseNs;
    }

    /** {@link #pauseNs()} in milliseconds. */
    public long pauseMs() {
        return TimeUnit.NANOSECONDS.toMillis(pauseNs);
    }

    /**
     * Warns about a failed accept unless the same kind was reported within the last second.
     *
     * @param key      the kind of failure: an errno, or {@link #keyOf(IOException)}
     * @param who      the accepting thread and listener, for the message
     * @param cause    the errno's name or the exception's text
     * @param outOfFds whether the failure is EMFILE or ENFILE, which has a known remedy
     * @param pausing  whether the listener now rests for {@link #pauseNs()} (otherwise it accepts on at once)
     */
    public void report(int key, String who, String cause, boolean outOfFds, boolean pausing) {
        if (warnings.isDue(key)) {
            warnings.log(key, who + ": accept failed with " + cause
                    + (outOfFds ? " (raise the fd limit: ulimit -n)" : "")
                    + (pausing ? "; pausing accepts for " + pauseMs() + " ms" : ""));
        }
    }

    /**
     * The rate-limit key of an accept failure reported as an exception: NIO gives no errno, but
     * the JDK's message names it ("Too many open files"), so equal messages are the same warning.
     */
    public static int keyOf(IOException e) {
        return Objects.hashCode(e.getMessage());
    }

    /** Whether an exception from accept reports EMFILE or ENFILE (by the JDK's message). */
    public static boolean isOutOfFds(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Too many open files");
    }
}
