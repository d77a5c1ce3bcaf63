package io.ringbolt.buffer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random acquire/release/trim sequences against a model of the chunks held. Bounded by tries
 * and sequence length (jqwik properties do not take JUnit's {@code @Timeout}).
 */
class ChunkPoolPropertiesTest {
    private static final int CHUNK_BYTES = 64;
    private static final int CHUNKS_PER_SLAB = 4;
    private static final int ACQUIRE = 0;
    private static final int RELEASE = 1;
    private static final int TRIM = 2;
    private static final int RELEASE_ALL = 3;

    @Property(tries = 300)
    void anySequenceKeepsTheInvariants(@ForAll("ops") List<Tuple2<Integer, Integer>> ops) {
        try (ChunkPool pool = new ChunkPool(CHUNK_BYTES, CHUNKS_PER_SLAB)) {
            Map<Chunk, Long> held = new IdentityHashMap<>();
            Set<Chunk> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            long stamp = 0;
            for (Tuple2<Integer, Integer> op : ops) {
                int arg = op.get2();
                switch (op.get1()) {
                    case ACQUIRE -> {
                        for (int i = 0; i <= arg % 9; i++) {
                            Chunk c = pool.acquire();
                            assertThat(held).doesNotContainKey(c);
                            c.segment().set(ValueLayout.JAVA_LONG, 0, ++stamp);
                            held.put(c, stamp);
                            seen.add(c);
                        }
                    }
                    case RELEASE -> {
                        if (!held.isEmpty()) {
                            Chunk c = new ArrayList<>(held.keySet()).get(arg % held.size());
                            assertThat(c.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(held.remove(c));
                            pool.release(c);
                        }
                    }
                    case TRIM -> trimAndCheck(pool, held, arg % 13, arg % 3 == 0 ? 1 + arg % 4 : Integer.MAX_VALUE);
                    case RELEASE_ALL -> {
                        held.keySet().forEach(pool::release);
                        held.clear();
                    }
                    default -> throw new AssertionError(op);
                }
                checkCounts(pool, held);
            }
            checkFreeListByDrainingIt(pool, held);
            held.keySet().forEach(pool::release);
            held.clear();
            pool.trim(0);
            assertThat(pool.allocated()).as("everything released and trimmed").isZero();
            for (Chunk c : seen) {
                assertThat(c.segment().scope().isAlive()).isFalse();
                assertThatThrownBy(() -> pool.release(c)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    private static void trimAndCheck(ChunkPool pool, Map<Chunk, Long> held, int retainChunks, int maxSlabs) {
        int allocatedBefore = pool.allocated();
        int freeBefore = pool.freeChunks();
        int freed = pool.trim(retainChunks, maxSlabs);
        assertThat(freed).isEqualTo(allocatedBefore - pool.allocated()).isNotNegative();
        assertThat(freed % CHUNKS_PER_SLAB).isZero();
        assertThat((long) freed).isLessThanOrEqualTo((long) maxSlabs * CHUNKS_PER_SLAB);
        assertThat(pool.freeChunks()).isGreaterThanOrEqualTo(Math.min(retainChunks, freeBefore));
        Set<ChunkPool.Slab> slabsInUse = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<Chunk, Long> e : held.entrySet()) {
            Chunk c = e.getKey();
            assertThat(c.slab.isFreed()).isFalse();
            assertThat(c.segment().get(ValueLayout.JAVA_LONG, 0)).as("held memory intact").isEqualTo(e.getValue());
            slabsInUse.add(c.slab);
        }
        int fullyFreeSlabs = pool.slabCount() - slabsInUse.size();
        boolean boundReached = freed == (long) maxSlabs * CHUNKS_PER_SLAB;
        assertThat(fullyFreeSlabs == 0 || boundReached || pool.freeChunks() - CHUNKS_PER_SLAB < retainChunks)
                .as("trim left a free slab it could have freed").isTrue();
    }

    private static void checkCounts(ChunkPool pool, Map<Chunk, Long> held) {
        assertThat(pool.inUse()).isEqualTo(held.size());
        assertThat(pool.allocated()).isEqualTo(pool.slabCount() * CHUNKS_PER_SLAB);
        assertThat(pool.freeChunks()).isEqualTo(pool.allocated() - pool.inUse());
        assertThat(pool.allocatedBytes()).isEqualTo(pool.inUseBytes() + pool.freeBytes());
        assertThat(pool.inUseBytes()).isEqualTo((long) held.size() * CHUNK_BYTES);
    }

    /** Every free chunk is acquirable without growth, distinct, alive and not held. */
    private static void checkFreeListByDrainingIt(ChunkPool pool, Map<Chunk, Long> held) {
        int allocated = pool.allocated();
        Set<Long> addresses = new HashSet<>();
        held.keySet().forEach(c -> addresses.add(c.address()));
        List<Chunk> drained = new ArrayList<>();
        for (int i = pool.freeChunks(); i > 0; i--) {
            Chunk c = pool.acquire();
            assertThat(c.segment().scope().isAlive()).isTrue();
            assertThat(addresses.add(c.address())).as("distinct from every chunk in use").isTrue();
            drained.add(c);
        }
        assertThat(pool.allocated()).as("no growth while free chunks remained").isEqualTo(allocated);
        drained.forEach(pool::release);
    }

    @Provide
    Arbitrary<List<Tuple2<Integer, Integer>>> ops() {
        Arbitrary<Integer> kind = Arbitraries.frequency(
                Tuple.of(5, ACQUIRE), Tuple.of(5, RELEASE), Tuple.of(2, TRIM), Tuple.of(1, RELEASE_ALL));
        return Combinators.combine(kind, Arbitraries.integers().between(0, 1000))
                .as(Tuple::of).list().ofMaxSize(120);
    }
}
