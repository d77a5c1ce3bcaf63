package io.ringbolt.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(20)
class MemoryBudgetTest {

    @Test
    void reservesUpToTheLimitAndRefusesBeyondIt() {
        MemoryBudget b = MemoryBudget.of(1000);
        assertThat(b.tryReserve(600)).isTrue();
        assertThat(b.tryReserve(401)).isFalse();
        assertThat(b.reservedBytes()).isEqualTo(600);
        assertThat(b.tryReserve(400)).isTrue();
        assertThat(b.availableBytes()).isZero();
        assertThat(b.refusalCount()).isEqualTo(1);
        b.release(1000);
        assertThat(b.reservedBytes()).isZero();
        assertThat(b.peakBytes()).isEqualTo(1000);
    }

    @Test
    void releasingMoreThanReservedIsABug() {
        MemoryBudget b = MemoryBudget.of(1000);
        b.tryReserve(10);
        assertThatThrownBy(() -> b.release(11)).isInstanceOf(IllegalStateException.class);
        assertThat(b.reservedBytes()).isEqualTo(10);
    }

    @Test
    void aBadLimitNamesItsKey() {
        assertThatThrownBy(() -> MemoryBudget.of(0)).hasMessageContaining("memory-budget=0");
    }

    @Test
    void theDefaultIsAQuarterOfTheHeapAndAtLeast16MiB() {
        assertThat(MemoryBudget.defaultLimitBytes(1L << 30)).isEqualTo(256L << 20);
        assertThat(MemoryBudget.defaultLimitBytes(8L << 20)).isEqualTo(16L << 20);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws Exception {
        MemoryBudget b = MemoryBudget.of(10_000);
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100_000; i++) {
                    if (b.tryReserve(7)) {
                        assertThat(b.reservedBytes()).isLessThanOrEqualTo(10_000);
                        b.release(7);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(b.reservedBytes()).isZero();
        assertThat(b.peakBytes()).isLessThanOrEqualTo(10_000);
    }
}
