package io.ringbolt.bench.jmh;

import io.ringbolt.concurrent.ManyToOneQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The reactor command queue ({@link ManyToOneQueue}) on its uncontended path: one thread
 * offers and polls, which is what a reactor pays per cross-thread command. {@code -prof gc}
 * shows the per-offer node allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ManyToOneQueueBenchmark {
    private static final int BATCH = 64;

    private ManyToOneQueue<Integer> queue;
    private final Integer element = 42;
    private Consumer<Integer> sink;

    @Setup
    public void setUp(Blackhole bh) {
        queue = new ManyToOneQueue<>();
        sink = bh::consume;
    }

    @Benchmark
    public Integer offerThenPoll() {
        queue.offer(element);
        return queue.poll();
    }

    /** A burst of commands drained in one loop iteration. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int offerBatchThenDrain() {
        for (int i = 0; i < BATCH; i++) {
            queue.offer(element);
        }
        return queue.drain(sink, BATCH);
    }
}
