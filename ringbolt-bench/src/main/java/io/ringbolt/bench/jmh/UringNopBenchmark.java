package io.ringbolt.bench.jmh;

import io.ringbolt.uring.CompletionQueue;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.IoUringProbe;
import io.ringbolt.uring.Ring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The io_uring round trip without I/O: prepare {@code batch} NOP SQEs, one
 * {@code io_uring_enter} that submits them and waits for their CQEs, reap them. The score is per
 * batch; divide by {@code batch} for the per-SQE cost. The ring is set up the way reactors set
 * theirs up (single issuer, deferred task running), on the benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UringNopBenchmark {
    @Param({"1", "32"})
    public int batch;

    private Ring ring;
    private long reaped;
    private final CompletionQueue.CqeHandler handler = (userData, res, flags) -> reaped += userData + res;

    @Setup(Level.Trial)
    public void setUp() {
        IoUringProbe probe = IoUringProbe.get();
        if (!probe.isAvailable()) {
            throw new IllegalStateException("io_uring unavailable: " + probe.unavailabilityCause());
        }
        ring = Ring.create(256, 512, IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
    }

    @Benchmark
    public long prepSubmitWaitReap() {
        for (int i = 0; i < batch; i++) {
            ring.sq().prepNop(i);
        }
        int submitted = ring.submitAndWait(batch, -1);
        if (submitted < 0) {
            throw new IllegalStateException("io_uring_enter: " + submitted);
        }
        int got = 0;
        while (got < batch) {
            got += ring.cq().reap(handler, batch - got);
        }
        return reaped;
    }
}
