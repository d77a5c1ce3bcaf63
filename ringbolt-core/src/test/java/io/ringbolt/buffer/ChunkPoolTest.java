package io.ringbolt.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
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
        assertThatThrownBy(() -> c.segment().get(ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void spikeThenTrimGivesSlabsBackDownToTheRetainedChunks() {
        List<Chunk> spike = acquire(16);
        assertThat(pool.slabCount()).isEqualTo(4);
        spike.forEach(pool::release);

        assertThat(pool.trim(8)).as("two of four free slabs").isEqualTo(8);
        assertThat(pool.allocated()).isEqualTo(8);
        assertThat(pool.freeChunks()).isEqualTo(8);
        assertThat(pool.slabCount()).isEqualTo(2);
        assertThat(pool.allocatedBytes()).isEqualTo(8 * 1024);
        assertThat(pool.freeBytes()).isEqualTo(8 * 1024);
        assertThat(pool.inUseBytes()).isZero();

        assertThat(pool.trim(5)).as("freeing another slab would leave 4 < 5").isZero();
        assertThat(pool.trim(4)).isEqualTo(4);
        assertThat(pool.trim(0)).isEqualTo(4);
        assertThat(pool.allocated()).isZero();
        assertThat(pool.allocatedBytes()).isZero();
        assertThat(pool.trim(0)).as("nothing left").isZero();
    }

    @Test
    void aBoundedTrimFreesAtMostMaxSlabsPerCall() {
        acquire(16).forEach(pool::release);
        assertThat(pool.trim(0, 3)).isEqualTo(12);
        assertThat(pool.slabCount()).isEqualTo(1);
        assertThat(pool.trim(0, 3)).as("the rest").isEqualTo(4);
        assertThat(pool.trim(0, 3)).isZero();
        assertThatThrownBy(() -> pool.trim(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChunkInUseKeepsItsSlabAlive() {
        List<Chunk> chunks = acquire(8);
        Chunk kept = chunks.get(0);
        kept.segment().set(ValueLayout.JAVA_LONG, 0, 0x5eed_cafeL);
        chunks.subList(1, 8).forEach(pool::release);

        assertThat(pool.trim(0)).as("only the slab without chunks in use").isEqualTo(4);
        assertThat(pool.allocated()).isEqualTo(4);
        assertThat(pool.inUse()).isEqualTo(1);
        assertThat(pool.inUseBytes()).isEqualTo(1024);
        assertThat(kept.segment().scope().isAlive()).isTrue();
        assertThat(kept.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x5eed_cafeL);

        pool.release(kept);
        assertThat(pool.trim(0)).isEqualTo(4);
        assertThat(pool.allocated()).isZero();
    }

    @Test
    void aTrimmedSlabsMemoryIsFreedAndItsChunksCannotComeBack() {
        Chunk stale = pool.acquire();
        pool.release(stale);
        pool.trim(0);

        assertThat(stale.segment().scope().isAlive()).as("the slab's arena is closed").isFalse();
        assertThatThrownBy(() -> stale.segment().get(ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.release(stale))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already freed");
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void acquireAfterTrimGrowsAgain() {
        acquire(5).forEach(pool::release);
        pool.trim(0);
        assertThat(pool.allocated()).isZero();

        List<Chunk> again = acquire(5);
        assertThat(pool.allocated()).isEqualTo(8);
        assertThat(pool.inUse()).isEqualTo(5);
        for (Chunk c : again) {
            assertThat(c.segment().scope().isAlive()).isTrue();
            c.segment().fill((byte) 7);
        }
        again.forEach(pool::release);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void afterTrimTheFullestSlabIsReusedFirstSoALightlyUsedOneDrains() {
        List<Chunk> chunks = acquire(8);
        Chunk lightlyUsed = chunks.get(0);
        // Slab 1 keeps three chunks in use, slab 0 one; slab 0's free chunks are released
        // last, so they top a plain LIFO free list.
        pool.release(chunks.get(7));
        chunks.subList(1, 4).forEach(pool::release);
        assertThat(pool.trim(0)).as("no slab is free yet").isZero();

        Chunk next = pool.acquire();
        assertThat(next.slab).as("taken from the fuller slab").isSameAs(chunks.get(7).slab);
        pool.release(lightlyUsed);
        assertThat(pool.trim(0)).as("the lightly used slab drained").isEqualTo(4);
        assertThat(pool.allocated()).isEqualTo(4);
    }

    @Test
    void aMostlyFreeSlabsChunksAreReusedLastSoItDrainsWithoutATrim() {
        List<Chunk> chunks = acquire(8);
        pool.release(chunks.get(4));
        pool.release(chunks.get(5));
        pool.release(chunks.get(3));
        // Slab 1 keeps one chunk in use after this: released last, yet reused last.
        pool.release(chunks.get(6));

        Chunk newConnection = pool.acquire();
        assertThat(newConnection.slab).as("from the slab mostly in use").isSameAs(chunks.get(0).slab);
        pool.release(chunks.get(7));
        assertThat(pool.trim(0)).as("the mostly free slab drained").isEqualTo(4);
        assertThat(pool.inUse()).isEqualTo(4);
    }

    @Test
    void releaseAfterCloseOrIntoAnotherPoolIsRejected() {
        Chunk c = pool.acquire();
        try (ChunkPool other = new ChunkPool(1024, 4)) {
            assertThatThrownBy(() -> other.release(c))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another pool");
            assertThat(other.inUse()).isZero();
        }
        pool.close();
        assertThatThrownBy(() -> pool.release(c))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already freed");
        assertThat(pool.trim(0)).as("a closed pool trims nothing").isZero();
        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void trimRejectsANegativeRetainCount() {
        assertThatThrownBy(() -> pool.trim(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<Chunk> acquire(int count) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(pool.acquire());
        }
        return chunks;
    }
}
