package io.ringbolt.bench.jmh;

import io.ringbolt.buffer.ChunkPool;
import io.ringbolt.buffer.OutboundBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A connection's output path: stage {@code payloadBytes}, describe it to the kernel (iovecs for
 * io_uring, ByteBuffers for NIO) and consume it as if the send completed in full.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OutboundBufferBenchmark {
    @Param({"64", "16384"})
    public int payloadBytes;

    private ChunkPool pool;
    private OutboundBuffer out;
    private byte[] payload;
    private Arena arena;
    private MemorySegment iovecs;
    private final ByteBuffer[] nioBuffers = new ByteBuffer[16];

    @Setup
    public void setUp() {
        pool = new ChunkPool(16 * 1024, 64);
        out = new OutboundBuffer(pool);
        payload = new byte[payloadBytes];
        arena = Arena.ofConfined();
        iovecs = arena.allocate(16 * 16L, 8);
    }

    @TearDown
    public void tearDown() {
        out.release();
        pool.close();
        arena.close();
    }

    @Benchmark
    public long writeIovecsConsume() {
        out.write(payload, 0, payload.length);
        int n = out.fillIovecs(iovecs, 16);
        long bytes = out.readableBytes();
        out.consume(bytes);
        return n + bytes;
    }

    @Benchmark
    public long writeNioBuffersConsume() {
        out.write(payload, 0, payload.length);
        int n = out.fillNioBuffers(nioBuffers);
        long bytes = out.readableBytes();
        out.consume(bytes);
        return n + bytes;
    }
}
