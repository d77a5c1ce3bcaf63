package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.newRing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringbolt.uring.RingTestSupport.Cqe;
import io.ringbolt.uring.RingTestSupport.CqeCollector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SubmissionQueueTest {

    /** An IOSQE bit the kernel does not know: the SQE fails at submission with -EINVAL. */
    private static final int INVALID_IOSQE_FLAG = 1 << 7;

    @Test
    void shouldFlushAndCompleteAllWhenPreparingOneMoreThanCapacity() {
        try (Ring ring = newRing(8, 64)) {
            SubmissionQueue sq = ring.sq();
            int capacity = sq.capacity();
            for (int i = 0; i < capacity; i++) {
                sq.prepNop(i);
            }
            assertThat(sq.pending()).isEqualTo(capacity);
            assertThat(sq.freeSlots()).isZero();

            sq.prepNop(capacity);

            assertThat(sq.pending()).isEqualTo(1);
            assertThat(sq.freeSlots()).isEqualTo(capacity - 1);
            assertThat(ring.submitAndWait(0, 0)).isEqualTo(1);
            List<Cqe> cqes = new CqeCollector(ring).await(capacity + 1);
            assertThat(cqes).extracting(Cqe::userData)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, capacity).boxed().toList());
            assertThat(cqes).extracting(Cqe::res).containsOnly(0);
            assertThat(ring.cq().ready()).isZero();
        }
    }

    @Test
    void shouldKeepSubmittingAcrossManyWrapsWhenPreparingContinuously() {
        try (Ring ring = newRing(4, 16)) {
            CqeCollector collector = new CqeCollector(ring);
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 3; i++) {
                    ring.sq().prepNop(round * 3L + i);
                }
                assertThat(collector.await(3)).extracting(Cqe::userData)
                        .containsExactly(round * 3L, round * 3L + 1, round * 3L + 2);
            }
            assertThat(ring.toString()).contains("tail=150", "pending=0");
        }
    }

    @Test
    void shouldReturnZeroWithoutSyscallWhenSubmittingNothing() {
        try (Ring ring = newRing(8, 0)) {
            assertThat(ring.submit()).isZero();
            ring.sq().prepNop(1L);
            assertThat(ring.submit()).isEqualTo(1);
            assertThat(ring.sq().pending()).isZero();
        }
    }

    @Test
    void shouldSuppressCqeWhenLastSqeFlaggedSkipSuccess() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepNop(1L);
            ring.sq().setLastSqeFlags(IoUring.IOSQE_CQE_SKIP_SUCCESS);
            ring.sq().prepNop(2L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(2L, 0, 0));
            assertThat(ring.submitAndWait(1, 0)).isEqualTo(-Errno.ETIME);
            assertThat(ring.cq().ready()).isZero();
        }
    }

    @Test
    void shouldThrowWhenSettingFlagsWithNothingPending() {
        try (Ring ring = newRing(8, 0)) {
            assertThatThrownBy(() -> ring.sq().setLastSqeFlags(IoUring.IOSQE_IO_LINK))
                    .isInstanceOf(IllegalStateException.class);
            ring.sq().prepNop(1L);
            ring.submit();
            assertThatThrownBy(() -> ring.sq().setLastSqeFlags(IoUring.IOSQE_IO_LINK))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldCancelLinkedReadWhenLinkTimeoutFires() {
        int eventFd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment counter = arena.allocate(8, 8);
            MemorySegment timespec = arena.allocate(16, 8);
            timespec.set(ValueLayout.JAVA_LONG, 8, TimeUnit.MILLISECONDS.toNanos(5));
            ring.sq().prepRead(eventFd, counter.address(), 8, 0, 1L);
            ring.sq().setLastSqeFlags(IoUring.IOSQE_IO_LINK);
            ring.sq().prepLinkTimeout(timespec.address(), 0, 2L);

            assertThat(new CqeCollector(ring).await(2))
                    .containsExactlyInAnyOrder(new Cqe(1L, -Errno.ECANCELED, 0), new Cqe(2L, -Errno.ETIME, 0));
        } finally {
            LinuxSocket.close(eventFd);
        }
    }

    @Test
    void shouldExpireWhenTimeoutPrepared() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment timespec = arena.allocate(16, 8);
            timespec.set(ValueLayout.JAVA_LONG, 8, TimeUnit.MILLISECONDS.toNanos(1));
            ring.sq().prepTimeout(timespec.address(), 0, 0, 5L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(5L, -Errno.ETIME, 0));
        }
    }

    @Test
    void shouldWriteAndReadBackWhenUsingEventFd() {
        int eventFd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment out = arena.allocate(8, 8);
            MemorySegment in = arena.allocate(8, 8);
            out.set(ValueLayout.JAVA_LONG, 0, 3L);
            ring.sq().prepWrite(eventFd, out.address(), 8, 0, 1L);
            ring.sq().setLastSqeFlags(IoUring.IOSQE_IO_LINK);
            ring.sq().prepRead(eventFd, in.address(), 8, 0, 2L);

            assertThat(new CqeCollector(ring).await(2)).containsExactly(new Cqe(1L, 8, 0), new Cqe(2L, 8, 0));
            assertThat(in.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(3L);
        } finally {
            LinuxSocket.close(eventFd);
        }
    }

    @Test
    void shouldReturnEnoentWhenCancellingUnknownUserData() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepCancel(12345L, 0, 1L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(1L, -Errno.ENOENT, 0));
        }
    }

    @Test
    void shouldCloseFdWhenCloseOpCompletes() {
        try (Ring ring = newRing(8, 0)) {
            int before = LinuxSocket.openFdCount();
            int fd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
            ring.sq().prepClose(fd, 1L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(1L, 0, 0));
            assertThat(LinuxSocket.openFdCount()).isEqualTo(before);
        }
    }

    @Test
    void shouldLeaveRestPendingWhenSubmissionStopsAtFailingSqeWithoutSubmitAll() {
        RingTestSupport.assumeIoUring();
        int flags = IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN;
        try (Ring ring = Ring.create(8, 0, flags)) {
            ring.sq().prepNop(1L);
            ring.sq().prepNop(2L);
            ring.sq().setLastSqeFlags(INVALID_IOSQE_FLAG);
            ring.sq().prepNop(3L);

            assertThat(ring.submit()).isEqualTo(2);
            assertThat(ring.sq().pending()).isEqualTo(1);

            assertThat(new CqeCollector(ring).await(3)).containsExactlyInAnyOrder(
                    new Cqe(1L, 0, 0), new Cqe(2L, -Errno.EINVAL, 0), new Cqe(3L, 0, 0));
            assertThat(ring.sq().pending()).isZero();
        }
    }

    @Test
    void shouldSubmitWholeBatchWhenSubmitAllDespiteFailingSqe() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepNop(1L);
            ring.sq().prepNop(2L);
            ring.sq().setLastSqeFlags(INVALID_IOSQE_FLAG);
            ring.sq().prepNop(3L);

            assertThat(ring.submit()).isEqualTo(3);
            assertThat(ring.sq().pending()).isZero();
            assertThat(new CqeCollector(ring).await(3)).containsExactlyInAnyOrder(
                    new Cqe(1L, 0, 0), new Cqe(2L, -Errno.EINVAL, 0), new Cqe(3L, 0, 0));
        }
    }
}
