package io.ringbolt.http;

import io.ringbolt.concurrent.ManyToOneQueue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's one writer thread and its bounded queue of formatted lines. Producers
 * (reactor threads) never wait: {@link #offer} is a counter increment and a lock-free enqueue,
 * or a counted drop when {@code capacityLines} lines are already waiting. The writer batches
 * lines into one buffer, writes it when full or when the queue runs dry, and is the only
 * thread that opens, writes and closes the file, so a stalled disk or a FIFO nobody reads
 * stalls it alone.
 */
final class AccessLogWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.http.access");
    private static final int BATCH_BYTES = 64 * 1024;
    /** Longest sleep with nothing to do; bounds the delay of a wakeup lost to the queue's enqueue window. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WRITE_ERROR_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private enum State { RUNNING, CLOSING, CLOSED }

    /** Null for standard output. */
    private final Path file;
    private final int capacityLines;
    private final ManyToOneQueue<byte[]> queue = new ManyToOneQueue<>();
    /** Lines offered and not yet taken by the writer; at most capacityLines. */
    private final AtomicInteger queuedLines = new AtomicInteger();
    private final AtomicLong droppedLines = new AtomicLong();
    private final AtomicLong writtenLines = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();
    private final AtomicInteger reopenRequests = new AtomicInteger();
    private volatile State state = State.RUNNING;
    /** True while the writer is about to park or parked; producers unpark it only then. */
    private volatile boolean idle;
    private volatile Thread thread;

    private final byte[] batch = new byte[BATCH_BYTES];
    private int batchLength;
    private int batchLines;
    private OutputStream out;
    private long lastWriteErrorNs = System.nanoTime() - WRITE_ERROR_INTERVAL_NS;
    private long writeErrorsSinceLog;

    /** Opens {@code file} for appending (null: standard output); throws if it cannot. */
    AccessLogWriter(Path file, int capacityLines) throws IOException {
        this.file = file;
        this.capacityLines = capacityLines;
        this.out = open();
    }

    void start(String threadName) {
        Thread t = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this);
        thread = t;
        t.start();
    }

    /** Queues {@code line}; false (and counted) when the queue is full or the log closed. Any thread, never blocks. */
    boolean offer(byte[] line) {
        if (state != State.RUNNING || queuedLines.getAndIncrement() >= capacityLines) {
            if (state == State.RUNNING) {
                queuedLines.decrementAndGet();
                droppedLines.incrementAndGet();
            }
            return false;
        }
        queue.offer(line);
        if (idle) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Asks the writer to close and reopen the file before its next write. Any thread. */
    void requestReopen() {
        reopenRequests.incrementAndGet();
        LockSupport.unpark(thread);
    }

    long droppedLines() {
        return droppedLines.get();
    }

    long writtenLines() {
        return writtenLines.get();
    }

    long reopens() {
        return reopens.get();
    }

    /**
     * Stops taking lines, lets the writer write what is queued and close the file, waiting at
     * most {@code timeoutNs}; false when the writer did not finish in time (a stalled output:
     * it stays blocked in a daemon thread).
     */
    boolean close(long timeoutNs) throws InterruptedException {
        if (state == State.RUNNING) {
            state = State.CLOSING;
        }
        Thread t = thread;
        LockSupport.unpark(t);
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNs)));
        return !t.isAlive();
    }

    @Override
    public void run() {
        while (true) {
            if (reopenRequests.getAndSet(0) != 0) {
                flushBatch();
                reopen();
            }
            byte[] line = queue.poll();
            if (line != null) {
                queuedLines.decrementAndGet();
                append(line);
                continue;
            }
            flushBatch();
            if (state == State.CLOSING && queuedLines.get() == 0) {
                break;
            }
            idle = true;
            // Re-check after publishing idle: a producer that missed it queued before we looked.
            if (queue.isEmpty() && reopenRequests.get() == 0 && state == State.RUNNING) {
                LockSupport.parkNanos(this, IDLE_PARK_NS);
            } else if (queue.isEmpty() && state == State.CLOSING && queuedLines.get() != 0) {
                Thread.onSpinWait(); // a producer is between its count and its enqueue
            }
            idle = false;
        }
        closeOutput();
        state = State.CLOSED;
    }

    private void append(byte[] line) {
        if (batchLength + line.length > batch.length) {
            flushBatch();
            if (line.length > batch.length) {
                write(line, line.length, 1);
                return;
            }
        }
        System.arraycopy(line, 0, batch, batchLength, line.length);
        batchLength += line.length;
        batchLines++;
    }

    private void flushBatch() {
        if (batchLength > 0) {
            write(batch, batchLength, batchLines);
            batchLength = 0;
            batchLines = 0;
        }
    }

    private void write(byte[] bytes, int length, int lines) {
        if (out == null) {
            writeFailed(lines, null);
            return;
        }
        try {
            out.write(bytes, 0, length);
            writtenLines.addAndGet(lines);
        } catch (IOException e) {
            writeFailed(lines, e);
        }
    }

    private void writeFailed(int lines, IOException e) {
        writeErrorsSinceLog += lines;
        long now = System.nanoTime();
        if (now - lastWriteErrorNs >= WRITE_ERROR_INTERVAL_NS) {
            LOG.log(System.Logger.Level.WARNING, "access log " + describe() + ": " + writeErrorsSinceLog
                    + " line(s) lost: " + (e == null ? "file not open" : e.getMessage()));
            lastWriteErrorNs = now;
            writeErrorsSinceLog = 0;
        }
    }

    private void reopen() {
        if (file == null) {
            return; // standard output is not reopened
        }
        closeOutput();
        try {
            out = open();
            reopens.incrementAndGet();
        } catch (IOException e) {
            out = null;
            LOG.log(System.Logger.Level.WARNING, "access log " + describe() + ": reopen failed: " + e.getMessage()
                    + "; lines are lost until the next reopen");
        }
    }

    private OutputStream open() throws IOException {
        if (file == null) {
            return new FileOutputStream(FileDescriptor.out);
        }
        return new FileOutputStream(file.toFile(), true);
    }

    private void closeOutput() {
        OutputStream o = out;
        out = null;
        if (o == null || file == null) {
            return; // never close standard output
        }
        try {
            o.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "access log " + describe() + ": close failed: " + e.getMessage());
        }
    }

    String describe() {
        return file == null ? "-" : file.toString();
    }
}
