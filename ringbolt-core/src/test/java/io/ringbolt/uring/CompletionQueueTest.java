package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.newRing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompletionQueueTest {

    @Test
    void shouldSeeEveryUserDataOnceWhenReapingInBatchesOf16() {
        try (Ring ring = newRing(32, 256)) {
            for (long i = 0; i < 100; i++) {
                ring.sq().prepNop(i);
            }
            submitUntilReady(ring, 100);
            List<Long> seen = new ArrayList<>();

            int batches = 0;
            int reaped;
            while ((reaped = ring.cq().reap((ud, res, flags) -> seen.add(ud), 16)) > 0) {
                assertThat(reaped).isLessThanOrEqualTo(16);
                batches++;
            }

            assertThat(batches).isEqualTo(7);
            assertThat(seen).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
            assertThat(ring.cq().ready()).isZero();
            assertThat(ring.toString()).contains("head=100 tail=100");
        }
    }

    @Test
    void shouldPublishOnlyHandledEntriesWhenHandlerThrows() {
        try (Ring ring = newRing(16, 32)) {
            for (long i = 0; i < 10; i++) {
                ring.sq().prepNop(i);
            }
            submitUntilReady(ring, 10);
            List<Long> seen = new ArrayList<>();

            assertThatThrownBy(() -> ring.cq().reap((ud, res, flags) -> {
                seen.add(ud);
                if (ud == 3) {
                    throw new IllegalStateException("handler failure");
                }
            }, 100)).isInstanceOf(IllegalStateException.class);

            assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
            assertThat(ring.cq().ready()).isEqualTo(6);
            assertThat(ring.toString()).contains("cq=32 head=4 tail=10");

            assertThat(ring.cq().reap((ud, res, flags) -> seen.add(ud), 100)).isEqualTo(6);
            assertThat(seen).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
        }
    }

    @Test
    void shouldReapNothingWhenMaxCountIsZero() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepNop(1L);
            submitUntilReady(ring, 1);

            assertThat(ring.cq().reap((ud, res, flags) -> { }, 0)).isZero();
            assertThat(ring.cq().ready()).isEqualTo(1);
        }
    }

    @Test
    void shouldRecoverEveryCompletionWhenCqOverflows() {
        try (Ring ring = newRing(8, 8)) {
            for (long i = 0; i < 20; i++) {
                ring.sq().prepNop(i);
            }
            assertThat(ring.submitAndWait(0, 0)).isNotNegative();
            assertThat(ring.cq().ready()).isEqualTo(8);
            assertThat(ring.cq().overflowPending()).isTrue();

            Set<Long> seen = new HashSet<>();
            for (int round = 0; round < 10 && seen.size() < 20; round++) {
                ring.cq().reap((ud, res, flags) -> assertThat(seen.add(ud)).isTrue(), 64);
                // An enter with GETEVENTS flushes the overflow list into the freed slots.
                ring.submitAndWait(0, 0);
            }

            assertThat(seen).hasSize(20);
            assertThat(ring.cq().overflowPending()).isFalse();
            assertThat(ring.cq().droppedCount()).isZero();
        }
    }

    @Test
    void shouldFlagTaskrunWhenDeferredCompletionWaits() throws InterruptedException {
        RingTestSupport.assumeIoUring();
        int flags = RingTestSupport.ENGINE_FLAGS | IoUring.IORING_SETUP_TASKRUN_FLAG;
        int eventFd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); Ring ring = Ring.create(8, 0, flags)) {
            MemorySegment counter = arena.allocate(8, 8);
            ring.sq().prepRead(eventFd, counter.address(), 8, 0, 1L);
            assertThat(ring.submit()).isEqualTo(1);

            // Completed by another thread: with DEFER_TASKRUN it waits as task work until GETEVENTS.
            Thread writer = Thread.ofPlatform().start(() -> {
                MemorySegment one = Arena.ofAuto().allocate(8, 8);
                one.set(ValueLayout.JAVA_LONG, 0, 1L);
                LinuxSocket.write(eventFd, one, 8);
            });
            writer.join();

            assertThat(ring.cq().ready()).isZero();
            assertThat(ring.cq().taskrunPending()).isTrue();
            assertThat(ring.submitAndWait(1, TimeUnit.SECONDS.toNanos(5))).isZero();
            assertThat(ring.cq().ready()).isEqualTo(1);
            assertThat(ring.cq().taskrunPending()).isFalse();
        } finally {
            LinuxSocket.close(eventFd);
        }
    }

    private static void submitUntilReady(Ring ring, int count) {
        for (int i = 0; i < 100 && ring.cq().ready() < count; i++) {
            int r = ring.submitAndWait(count - ring.cq().ready(), TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(r).as("submitAndWait: %s", Errno.name(r)).isGreaterThanOrEqualTo(-Errno.ETIME);
        }
        assertThat(ring.cq().ready()).isEqualTo(count);
    }
}
