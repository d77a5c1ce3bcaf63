package io.ringbolt.bench.jmh;

import io.ringbolt.buffer.Chunk;
import io.ringbolt.buffer.ChunkPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * {@link ChunkPool} acquire/release in steady state (the pool has grown to the working set).
 * Thread-scoped state: JMH runs its setup on the benchmark thread, which the pool's confined
 * arena requires.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkPoolBenchmark {
    private static final int WORKING_SET = 16;

    private ChunkPool pool;
    private final Chunk[] held = new Chunk[WORKING_SET];

    @Setup
    public void setUp() {
        pool = new ChunkPool(16 * 1024, 64);
        pool.release(pool.acquire());
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Chunk acquireRelease() {
        Chunk c = pool.acquire();
        pool.release(c);
        return c;
    }

    /** Several chunks in use at once, as with a connection's multi-chunk output. */
    @Benchmark
    @OperationsPerInvocation(WORKING_SET)
    public int acquireManyReleaseMany() {
        for (int i = 0; i < WORKING_SET; i++) {
            held[i] = pool.acquire();
        }
        for (int i = 0; i < WORKING_SET; i++) {
            pool.release(held[i]);
        }
        return pool.inUse();
    }
}
