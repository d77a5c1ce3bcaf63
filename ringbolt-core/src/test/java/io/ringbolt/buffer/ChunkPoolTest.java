package io.ringbolt.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ChunkPoolTest {
    private final ChunkPool pool = new ChunkPool(1024, 4);

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void growsBySlabsAndCountsChunksInUse() {
        assertThat(pool.allocated()).isZero();
        assertThat(pool.inUse()).isZero();
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chunks.add(pool.acquire());
        }
        assertThat(pool.allocated()).as("two slabs of 4").isEqualTo(8);
        assertThat(pool.inUse()).isEqualTo(5);
        for (Chunk c : chunks) {
            pool.release(c);
        }
        assertThat(pool.inUse()).isZero();
        assertThat(pool.allocated()).as("memory is kept for reuse").isEqualTo(8);
    }

    @Test
    void chunksAreDistinctExactSizeAndComeBackEmpty() {
        Set<Long> addresses = new HashSet<>();
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Chunk c = pool.acquire();
            assertThat(c.capacity()).isEqualTo(1024);
            assertThat(c.segment().byteSize()).isEqualTo(1024);
            assertThat(addresses.add(c.address())).isTrue();
            c.writeIndex = 100;
            c.readIndex = 50;
            chunks.add(c);
        }
        chunks.forEach(pool::release);
        Chunk again = pool.acquire();
        assertThat(addresses).contains(again.address());
        assertThat(again.readIndex()).isZero();
        assertThat(again.writeIndex()).isZero();
        assertThat(again.next()).isNull();
        assertThat(pool.allocated()).as("no growth when chunks are free").isEqualTo(8);
    }

    @Test
    void releasingTwiceIsRejected() {
        Chunk c = pool.acquire();
        pool.release(c);
        assertThatThrownBy(() -> pool.release(c)).isInstanceOf(IllegalStateException.class);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void invalidSizesAreRejected() {
        assertThatThrownBy(() -> new ChunkPool(16, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkPool(1024, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeFreesTheMemoryAndIsIdempotent() {
        Chunk c = pool.acquire();
        pool.close();
        pool.close();
        assertThatThrownBy(() -> c.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
    }
}
