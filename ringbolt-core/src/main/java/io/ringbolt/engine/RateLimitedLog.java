package io.ringbolt.engine;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Lets at most one line per key per interval through to a logger, for warnings that a
 * persisting condition would otherwise repeat as fast as the code retries (accept failing with
 * EMFILE is retried every few milliseconds per listener). The next line of a key that gets
 * through says how many were held back: {@code "... (1,234 similar suppressed in the last 10 s)"}.
 *
 * <p>A key is an int the caller chooses for "the same warning", such as an errno. Up to
 * {@value #MAX_KEYS} keys are tracked separately; further keys share one overflow slot.
 *
 * <p>Usage: ask {@link #isDue} first and build the message only when it says yes, so a
 * suppressed warning costs a clock read and an atomic increment and allocates nothing:
 * <pre>{@code
 * if (ACCEPT_WARNINGS.isDue(errno)) {
 *     ACCEPT_WARNINGS.log(errno, thread + ": accept failed with " + name);
 * }
 * }</pre>
 *
 * <p>Threading: any thread. One instance is meant to be shared by every thread that reports
 * the same condition (all reactors of a backend), so a process-wide cause such as EMFILE gives
 * one line per interval, not one per reactor. Suppressing is lock-free; letting a line through
 * takes this object's lock, at most once per interval per key (plus rare losers of a race).
 */
public final class RateLimitedLog {
    /** Interval used by {@link #RateLimitedLog(System.Logger, System.Logger.Level)}. */
    public static final long DEFAULT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Keys tracked separately; later keys share the overflow slot at index {@code MAX_KEYS}. */
    static final int MAX_KEYS = 16;

    private final System.Logger logger;
    private final System.Logger.Level level;
    private final long intervalNs;
    private final LongSupplier nanoClock;

    /** Keys of slots {@code [0, keyCount)}; written under the lock before keyCount publishes them. */
    private final int[] keys = new int[MAX_KEYS];
    /** Published slot count; its volatile write pairs with the volatile read in {@link #slotOf}. */
    private volatile int keyCount;
    /** Per slot: earliest clock value at which the next line may go out; construction time at first. */
    private final AtomicLongArray nextDueNs = new AtomicLongArray(MAX_KEYS + 1);
    /** Per slot: lines held back since the last one that went out. */
    private final AtomicLongArray suppressed = new AtomicLongArray(MAX_KEYS + 1);
    /** Per slot: clock value of the last line that went out; guarded by this. */
    private final long[] lastLoggedNs = new long[MAX_KEYS + 1];

    /** One line per key per second to {@code logger} at {@code level}, on {@link System#nanoTime()}. */
    public RateLimitedLog(System.Logger logger, System.Logger.Level level) {
        this(logger, level, DEFAULT_INTERVAL_NS, System::nanoTime);
    }

    /**
     * @param intervalNs minimum time between two lines of one key, > 0
     * @param nanoClock  monotonic clock in nanoseconds (tests inject one)
     */
    public RateLimitedLog(System.Logger logger, System.Logger.Level level, long intervalNs, LongSupplier nanoClock) {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("intervalNs=" + intervalNs + " (must be > 0)");
        }
        this.logger = Objects.requireNonNull(logger, "logger");
        this.level = Objects.requireNonNull(level, "level");
        this.intervalNs = intervalNs;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        long nowNs = nanoClock.getAsLong();
        for (int i = 0; i <= MAX_KEYS; i++) {
            nextDueNs.set(i, nowNs); // every slot due at once: a key's first line always goes out
        }
    }

    /**
     * True if a line of {@code key} would go out now; otherwise counts one suppressed line and
     * returns false. Allocation-free. A true answer is a hint (another thread may log first);
     * {@link #log} decides.
     */
    public boolean isDue(int key) {
        int slot = slotOf(key);
        if (slot < 0) {
            return true; // never logged: the first line of a key always goes out
        }
        if (nanoClock.getAsLong() - nextDueNs.get(slot) < 0) {
            suppressed.incrementAndGet(slot);
            return false;
        }
        return true;
    }

    /**
     * Logs {@code message} for {@code key} if its interval has passed, with the count of lines
     * suppressed since the previous one appended; otherwise counts it as suppressed.
     *
     * @return true if the line went out
     */
    public boolean log(int key, String message) {
        return log(key, message, null);
    }

    /**
     * Like {@link #log(int, String)}, with {@code thrown}'s stack trace when the line goes out
     * (null: none).
     *
     * @return true if the line went out
     */
    public boolean log(int key, String message, Throwable thrown) {
        String line;
        synchronized (this) {
            long nowNs = nanoClock.getAsLong();
            int slot = slotOf(key);
            if (slot < 0) {
                slot = addSlot(key);
            }
            if (nowNs - nextDueNs.get(slot) < 0) {
                suppressed.incrementAndGet(slot);
                return false;
            }
            long held = suppressed.getAndSet(slot, 0);
            line = held == 0 ? message : message + suffix(held, nowNs - lastLoggedNs[slot]);
            lastLoggedNs[slot] = nowNs;
            nextDueNs.set(slot, nowNs + intervalNs);
        }
        // Outside the lock: a slow log handler must not stall other threads' isDue.
        if (thrown == null) {
            logger.log(level, line);
        } else {
            logger.log(level, line, thrown);
        }
        return true;
    }

    /** {@code " (1,234 similar suppressed in the last 10 s)"}; windows under a second in ms. */
    static String suffix(long count, long windowNs) {
        String window = windowNs < TimeUnit.SECONDS.toNanos(1)
                ? TimeUnit.NANOSECONDS.toMillis(windowNs) + " ms"
                : String.format(Locale.ROOT, "%,d s", Math.round(windowNs / 1e9));
        return String.format(Locale.ROOT, " (%,d similar suppressed in the last %s)", count, window);
    }

    /** The slot of {@code key}, the overflow slot if the table is full, or -1 if it has room but no such key. */
    private int slotOf(int key) {
        int n = keyCount;
        for (int i = 0; i < n; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return n == MAX_KEYS ? MAX_KEYS : -1;
    }

    /** Under the lock: a slot for a key {@link #slotOf} did not find. */
    private int addSlot(int key) {
        int n = keyCount;
        keys[n] = key;
        keyCount = n + 1;
        return n;
    }
}
