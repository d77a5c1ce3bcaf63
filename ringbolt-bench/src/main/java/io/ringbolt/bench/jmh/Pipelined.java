package io.ringbolt.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Input for HTTP benchmarks: one request repeated back to back, as a pipelining client sends it. */
final class Pipelined {
    private Pipelined() {
    }

    /** {@code times} copies of {@code request} in one native segment of {@code arena}. */
    static MemorySegment repeat(Arena arena, byte[] request, int times) {
        MemorySegment input = arena.allocate((long) request.length * times);
        for (int i = 0; i < times; i++) {
            MemorySegment.copy(MemorySegment.ofArray(request), 0, input, (long) i * request.length, request.length);
        }
        return input;
    }
}
