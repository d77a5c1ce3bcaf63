package io.ringbolt.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class InboundBufferTest {
    private static final int CHUNK = 1024;
    private final ChunkPool pool = new ChunkPool(CHUNK, 4);

    @AfterEach
    void close() {
        pool.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] kept(InboundBuffer in) {
        return in.segment().asSlice(in.start(), in.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void appendAndDiscardWithinOneChunk() {
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, MemoryBudget.unlimited());
        assertThat(in.isEmpty()).isTrue();
        assertThat(in.segment()).isNull();
        byte[] data = bytes(500, 1);
        assertThat(in.append(MemorySegment.ofArray(data), 0, 300)).isTrue();
        assertThat(in.append(MemorySegment.ofArray(data), 300, 200)).isTrue();
        assertThat(pool.inUse()).isEqualTo(1);
        assertThat(kept(in)).isEqualTo(data);
        in.discard(120);
        assertThat(in.length()).isEqualTo(380);
        assertThat(kept(in)).isEqualTo(Arrays.copyOfRange(data, 120, 500));
        in.discard(380);
        assertThat(in.isEmpty()).isTrue();
        assertThat(pool.inUse()).as("emptied buffer gives its chunk back").isZero();
    }

    @Test
    void compactsInPlaceWhenTheKeptBytesStillFit() {
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, MemoryBudget.unlimited());
        byte[] data = bytes(CHUNK + 200, 2);
        in.append(MemorySegment.ofArray(data), 0, 900);
        in.discard(800);
        in.append(MemorySegment.ofArray(data), 900, data.length - 900); // 100 kept + 324 new
        assertThat(kept(in)).isEqualTo(Arrays.copyOfRange(data, 800, data.length));
        assertThat(in.segment().byteSize()).as("still the pooled chunk").isEqualTo(CHUNK);
        assertThat(in.start()).isZero();
        in.release();
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void growsPastAChunkKeepingBytesContiguous() {
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, MemoryBudget.unlimited());
        byte[] data = bytes(10 * CHUNK + 7, 3);
        for (int off = 0; off < data.length; off += 333) {
            assertThat(in.append(MemorySegment.ofArray(data), off, Math.min(333, data.length - off))).isTrue();
        }
        assertThat(in.length()).isEqualTo(data.length);
        assertThat(kept(in)).isEqualTo(data);
        assertThat(pool.inUse()).as("moved out of the pool into its own region").isZero();
        in.discard(5000);
        assertThat(kept(in)).isEqualTo(Arrays.copyOfRange(data, 5000, data.length));
        in.release();
        assertThat(in.isEmpty()).isTrue();
        assertThat(in.segment()).isNull();
    }

    @Test
    void refusesToGrowPastTheLimit() {
        InboundBuffer in = new InboundBuffer(pool, 2000, MemoryBudget.unlimited());
        byte[] data = bytes(2001, 4);
        assertThat(in.append(MemorySegment.ofArray(data), 0, 1500)).isTrue();
        assertThat(in.append(MemorySegment.ofArray(data), 1500, 501)).as("one byte over").isFalse();
        assertThat(in.length()).as("nothing appended").isEqualTo(1500);
        assertThat(in.append(MemorySegment.ofArray(data), 1500, 500)).as("exactly the limit").isTrue();
        assertThat(kept(in)).isEqualTo(Arrays.copyOf(data, 2000));
        in.release();
    }

    @Test
    void discardRejectsBadCounts() {
        InboundBuffer in = new InboundBuffer(pool, 4096, MemoryBudget.unlimited());
        in.append(MemorySegment.ofArray(new byte[10]), 0, 10);
        assertThatThrownBy(() -> in.discard(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> in.discard(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(in.length()).isEqualTo(10);
        in.release();
    }

    @Test
    void reusableAfterRelease() {
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, MemoryBudget.unlimited());
        in.append(MemorySegment.ofArray(bytes(5000, 5)), 0, 5000);
        in.release();
        byte[] again = bytes(10, 6);
        assertThat(in.append(MemorySegment.ofArray(again), 0, 10)).isTrue();
        assertThat(kept(in)).isEqualTo(again);
        in.release();
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void everyByteOfCapacityIsReservedFromTheBudgetAndGivenBack() {
        MemoryBudget budget = MemoryBudget.of(1 << 20);
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, budget);
        assertThat(in.append(MemorySegment.ofArray(bytes(500, 7)), 0, 500)).isTrue();
        assertThat(budget.reservedBytes()).isEqualTo(CHUNK);
        assertThat(in.append(MemorySegment.ofArray(bytes(5000, 8)), 0, 5000)).isTrue();
        assertThat(budget.reservedBytes()).isEqualTo(in.capacityBytes()).isGreaterThanOrEqualTo(5500);
        in.release();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void growthTheBudgetRefusesIsRefusedAndKeepsWhatWasThere() {
        MemoryBudget budget = MemoryBudget.of(4 * CHUNK);
        InboundBuffer in = new InboundBuffer(pool, 64 * 1024, budget);
        byte[] first = bytes(800, 9);
        assertThat(in.append(MemorySegment.ofArray(first), 0, first.length)).isTrue();
        assertThat(in.append(MemorySegment.ofArray(bytes(10_000, 10)), 0, 10_000)).isFalse();
        assertThat(kept(in)).isEqualTo(first);
        assertThat(budget.reservedBytes()).isEqualTo(CHUNK);
        in.release();
        assertThat(budget.reservedBytes()).isZero();

        assertThat(budget.tryReserve(4 * CHUNK)).isTrue();
        assertThat(in.append(MemorySegment.ofArray(first), 0, 1)).as("not even a first chunk").isFalse();
        assertThat(in.segment()).isNull();
    }
}
