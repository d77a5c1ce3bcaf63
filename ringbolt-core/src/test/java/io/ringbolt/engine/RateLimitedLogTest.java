package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limiter on an injected clock: no sleeps, every step of time is explicit. */
@Timeout(30)
class RateLimitedLogTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clockNs = new AtomicLong(123_456_789L);
    private final RecordingLogger logger = new RecordingLogger();
    private final RateLimitedLog log = new RateLimitedLog(logger, System.Logger.Level.WARNING, SECOND_NS, clockNs::get);

    /** Reports like a call site: asks first, builds the message only when due. */
    private void report(int key, String message) {
        if (log.isDue(key)) {
            log.log(key, message);
        }
    }

    @Test
    void firstLineGoesOutAndRepeatsWithinTheIntervalAreHeldBack() {
        report(24, "accept failed with EMFILE");
        for (int i = 0; i < 99; i++) {
            clockNs.addAndGet(SECOND_NS / 100); // the reactor's 10 ms retry
            report(24, "accept failed with EMFILE");
        }
        assertThat(logger.lines).containsExactly("WARNING accept failed with EMFILE");

        clockNs.addAndGet(SECOND_NS / 100);
        report(24, "accept failed with EMFILE");
        assertThat(logger.lines).containsExactly("WARNING accept failed with EMFILE",
                "WARNING accept failed with EMFILE (99 similar suppressed in the last 1 s)");
    }

    @Test
    void theNextLineAfterAQuietSpellCountsEverythingSinceThePreviousLine() {
        report(1, "x");
        for (int i = 0; i < 1234; i++) {
            report(1, "x");
        }
        clockNs.addAndGet(10 * SECOND_NS);
        report(1, "x");
        assertThat(logger.lines).containsExactly("WARNING x", "WARNING x (1,234 similar suppressed in the last 10 s)");

        clockNs.addAndGet(SECOND_NS);
        report(1, "x");
        assertThat(logger.lines).as("nothing held back since: no suffix").endsWith("WARNING x");
    }

    @Test
    void keysAreLimitedSeparately() {
        report(24, "EMFILE");
        report(23, "ENFILE");
        report(24, "EMFILE");
        report(23, "ENFILE");
        assertThat(logger.lines).containsExactly("WARNING EMFILE", "WARNING ENFILE");
    }

    @Test
    void logWithoutAskingFirstIsLimitedAllTheSame() {
        assertThat(log.log(7, "a")).isTrue();
        assertThat(log.log(7, "a")).isFalse();
        assertThat(log.isDue(7)).isFalse();
        clockNs.addAndGet(SECOND_NS);
        assertThat(log.isDue(7)).isTrue();
        assertThat(log.log(7, "a")).isTrue();
        assertThat(logger.lines).containsExactly("WARNING a", "WARNING a (2 similar suppressed in the last 1 s)");
    }

    @Test
    void keysBeyondTheTableShareOneOverflowSlot() {
        for (int key = 0; key < RateLimitedLog.MAX_KEYS; key++) {
            report(key, "k" + key);
        }
        report(1000, "first overflow");
        report(1001, "second overflow");
        report(0, "k0");
        assertThat(logger.lines).hasSize(RateLimitedLog.MAX_KEYS + 1).endsWith("WARNING first overflow");
        clockNs.addAndGet(SECOND_NS);
        report(1001, "second overflow");
        assertThat(logger.lines).endsWith("WARNING second overflow (1 similar suppressed in the last 1 s)");
    }

    @Test
    void windowsUnderASecondAreGivenInMilliseconds() {
        RateLimitedLog fast = new RateLimitedLog(logger, System.Logger.Level.INFO, SECOND_NS / 4, clockNs::get);
        fast.log(1, "y");
        fast.log(1, "y");
        clockNs.addAndGet(SECOND_NS / 4);
        fast.log(1, "y");
        assertThat(logger.lines).containsExactly("INFO y", "INFO y (1 similar suppressed in the last 250 ms)");
    }

    @Test
    void aNonPositiveIntervalIsRejected() {
        assertThatThrownBy(() -> new RateLimitedLog(logger, System.Logger.Level.WARNING, 0, clockNs::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intervalNs=0");
    }

    @Test
    void manyThreadsAtOneInstantGiveOneLineAndTheRestAreCounted() throws Exception {
        int threads = 4;
        int callsPerThread = 10_000;
        report(5, "z");
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < callsPerThread; i++) {
                    report(5, "z");
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(20));
        }
        clockNs.addAndGet(SECOND_NS);
        report(5, "z");
        assertThat(logger.lines).containsExactly("WARNING z",
                "WARNING z (" + String.format(java.util.Locale.ROOT, "%,d", threads * callsPerThread) + " similar suppressed in the last 1 s)");
    }

    @Test
    void askingWhileSuppressedAllocatesNothing() throws Exception {
        // com.sun.management.ThreadMXBean, reflectively: tests compile as a patch of this
        // module, which does not read java.management. Looked up once, outside the measurement.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        report(24, "EMFILE");
        int calls = 100_000;
        for (int round = 0; round < 2; round++) { // round 0 warms up past the interpreter
            long before = (Long) allocatedBytes.invoke(threads);
            for (int i = 0; i < calls; i++) {
                log.isDue(24);
            }
            long allocated = (Long) allocatedBytes.invoke(threads) - before;
            if (round == 1) {
                // The reflective reads box a Long or two; anything per call would be megabytes.
                assertThat(allocated).as("bytes allocated by " + calls + " suppressed warnings").isLessThan(256);
            }
        }
    }

    /** A System.Logger that keeps {@code "LEVEL message"} lines. */
    static final class RecordingLogger implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level.getName() + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level.getName() + " " + format);
        }
    }
}
