package io.ringbolt.engine.runtime;

import io.ringbolt.engine.RateLimitedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The unexpected-error policy's log: names connection, operation and errno, once per kind per second. */
@Timeout(30)
class UnexpectedErrorsTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clockNs = new AtomicLong(42);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Throwable> thrown = new CopyOnWriteArrayList<>();
    private final UnexpectedErrors errors = new UnexpectedErrors(
            new RateLimitedLog(new Recording(), System.Logger.Level.WARNING, SECOND_NS, clockNs::get));

    @Test
    void aReportNamesTheConnectionTheOperationAndTheErrnoAndKeepsTheException() {
        IOException e = new IOException("Input/output error");
        assertThat(errors.report("Connection[id=7]", "recv", "EIO", e)).isTrue();
        assertThat(lines).containsExactly("WARNING Connection[id=7]: recv failed unexpectedly with EIO; closing this connection");
        assertThat(thrown).containsExactly(e);
    }

    @Test
    void oneLinePerKindPerSecond() {
        for (int i = 0; i < 100; i++) {
            errors.report("c" + i, "recv", "EIO", null);
        }
        errors.report("c", "send", "EIO", null);
        errors.report("c", "recv", "ENOMEM", null);
        errors.report("c", "recv", "EIO", new IllegalStateException());
        assertThat(lines).as("one per (operation, errno, exception class)").hasSize(4);

        clockNs.addAndGet(SECOND_NS);
        assertThat(errors.report("c", "recv", "EIO", null)).isTrue();
        assertThat(lines.getLast()).contains("recv failed unexpectedly with EIO").contains("99 similar suppressed");
    }

    private final class Recording implements System.Logger {
        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
            lines.add(level.getName() + " " + msg);
            if (t != null) {
                thrown.add(t);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level.getName() + " " + format);
        }
    }
}
