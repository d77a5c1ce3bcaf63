package io.ringbolt.concurrent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManyToOneQueueTest {

    /** One step against both queues: offer(value) for value ≥ 0, poll for -1, drain(limit) for -2-limit. */
    @Property(tries = 300)
    void behavesLikeAFifoQueueOnOneThread(@ForAll("operations") List<Integer> ops) {
        ManyToOneQueue<Integer> queue = new ManyToOneQueue<>();
        ArrayDeque<Integer> model = new ArrayDeque<>();
        for (int op : ops) {
            if (op >= 0) {
                queue.offer(op);
                model.add(op);
            } else if (op == -1) {
                assertThat(queue.poll()).isEqualTo(model.poll());
            } else {
                int limit = -2 - op;
                List<Integer> drained = new ArrayList<>();
                int n = queue.drain(drained::add, limit);
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < limit && !model.isEmpty(); i++) {
                    expected.add(model.poll());
                }
                assertThat(drained).isEqualTo(expected);
                assertThat(n).isEqualTo(expected.size());
            }
            assertThat(queue.isEmpty()).isEqualTo(model.isEmpty());
        }
    }

    @Provide
    Arbitrary<List<Integer>> operations() {
        Arbitrary<Integer> offer = Arbitraries.integers().between(0, 1000);
        Arbitrary<Integer> poll = Arbitraries.just(-1);
        Arbitrary<Integer> drain = Arbitraries.integers().between(0, 5).map(limit -> -2 - limit);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, offer), net.jqwik.api.Tuple.of(3, poll), net.jqwik.api.Tuple.of(1, drain))
                .list().ofMaxSize(200);
    }

    @Test
    @Timeout(30)
    void manyProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        ManyToOneQueue<long[]> queue = new ManyToOneQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long seq = 0; seq < perProducer; seq++) {
                    queue.offer(new long[] {producer, seq});
                }
            }));
        }
        start.countDown();
        long[] next = new long[producers];
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received < producers * perProducer) {
            long[] e = queue.poll();
            if (e == null) {
                assertThat(System.nanoTime() - deadline).as("consumer stalled").isNegative();
                Thread.onSpinWait();
                continue;
            }
            assertThat(e[1]).as("sequence of producer " + e[0]).isEqualTo(next[(int) e[0]]);
            next[(int) e[0]]++;
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    @Timeout(10)
    void nullIsRejected() {
        ManyToOneQueue<Object> queue = new ManyToOneQueue<>();
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class);
        assertThat(queue.isEmpty()).isTrue();
    }
}
