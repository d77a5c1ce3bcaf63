package io.ringbolt.http;

import io.ringbolt.engine.RateLimitedLog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An access log: one line per finished request, in the combined or JSON-lines format
 * ({@link AccessLogFormat}), appended to a file or written to standard output.
 *
 * <pre>{@code
 * AccessLog log = AccessLog.open("/var/log/ringbolt/access.log", AccessLogFormat.COMBINED);
 * router.onComplete(log);
 * // logrotate's postrotate: kill -HUP <pid>, whose handler calls log.reopen()
 * }</pre>
 *
 * <p>It never blocks a reactor. {@link #onComplete} formats the line on the reactor thread
 * into a per-thread buffer (from the request's bytes, no {@code String.format}) and hands a
 * copy to one background writer thread through a bounded queue. When the queue is full (the
 * disk is slower than the traffic, or stalled) the line is dropped and counted
 * ({@link #droppedLines()}); a warning with the running count goes out at most once per
 * second. The writer batches lines and writes when its buffer fills or the queue runs dry, so
 * under load many lines share one {@code write}.
 *
 * <p>Threading: {@link #onComplete} from any number of threads; the other methods from any
 * thread.
 */
public final class AccessLog implements CompletionListener, AutoCloseable {
    /** Queue capacity of {@link #open(String, AccessLogFormat)}. */
    public static final int DEFAULT_CAPACITY_LINES = 16_384;
    private static final System.Logger LOG = System.getLogger("io.ringbolt.http.access");
    private static final long CLOSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final AccessLogFormat format;
    private final AccessLogWriter writer;
    private final ThreadLocal<AccessLogLine> lines;
    /** At most one drop warning per second for this log, shared by its reactor threads. */
    private final RateLimitedLog dropWarnings = new RateLimitedLog(LOG, System.Logger.Level.WARNING);

    private AccessLog(AccessLogFormat format, AccessLogWriter writer, ZoneId zone) {
        this.format = format;
        this.writer = writer;
        this.lines = ThreadLocal.withInitial(() -> new AccessLogLine(format, zone));
    }

    /**
     * Opens an access log with a queue of {@link #DEFAULT_CAPACITY_LINES} lines.
     *
     * @param target a file to append to (created when missing), or {@code "-"} for standard output
     * @throws IOException when the file cannot be opened (a FIFO blocks here until it has a reader)
     */
    public static AccessLog open(String target, AccessLogFormat format) throws IOException {
        return open(target, format, DEFAULT_CAPACITY_LINES);
    }

    /**
     * Opens an access log whose queue holds at most {@code capacityLines} lines waiting for the
     * writer; more are dropped and counted.
     *
     * @param target a file to append to (created when missing), or {@code "-"} for standard output
     */
    public static AccessLog open(String target, AccessLogFormat format, int capacityLines) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(format, "format");
        if (target.isEmpty()) {
            throw new IllegalArgumentException("access-log= (expected a file or -)");
        }
        if (capacityLines < 1) {
            throw new IllegalArgumentException("capacityLines=" + capacityLines + " (must be >= 1)");
        }
        Path file = target.equals("-") ? null : Path.of(target);
        AccessLogWriter writer = new AccessLogWriter(file, capacityLines);
        AccessLog log = new AccessLog(format, writer, ZoneId.systemDefault());
        writer.start("ringbolt-access-log");
        return log;
    }

    /** Formats and queues the request's line. Never blocks; drops (and counts) the line when the queue is full. */
    @Override
    public void onComplete(HttpRequest request, int status, long bytesSent, long durationNs) {
        byte[] line = lines.get().format(request, status, bytesSent, durationNs, System.currentTimeMillis());
        if (!writer.offer(line) && dropWarnings.isDue(0)) {
            dropWarnings.log(0, "access log " + writer.describe() + ": queue full, lines dropped (" + writer.droppedLines()
                    + " in total); the output is slower than the traffic or stalled");
        }
    }

    /**
     * Asks the writer to close and reopen the file (for logrotate: rename the file, then call
     * this; later lines go to a new file of the original name). Returns at once; lines already
     * queued may still go to the old file. No effect on standard output. Any thread.
     */
    public void reopen() {
        writer.requestReopen();
    }

    /** Lines dropped so far because the queue was full. */
    public long droppedLines() {
        return writer.droppedLines();
    }

    /** Lines written to the output so far. */
    public long writtenLines() {
        return writer.writtenLines();
    }

    /** Reopens done so far (successful ones). */
    public long reopens() {
        return writer.reopens();
    }

    /** The line format. */
    public AccessLogFormat format() {
        return format;
    }

    /**
     * Stops taking lines, writes the queued ones and closes the file, waiting at most two
     * seconds for a stalled output (the writer is then left blocked on a daemon thread, with a
     * warning). Lines of requests finishing afterwards are ignored.
     */
    @Override
    public void close() {
        try {
            if (!writer.close(CLOSE_TIMEOUT_NS)) {
                LOG.log(System.Logger.Level.WARNING, "access log " + writer.describe()
                        + ": the writer did not finish within 2 s (output stalled); queued lines are lost");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
