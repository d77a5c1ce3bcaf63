package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.assumeIoUring;
import static io.ringbolt.uring.RingTestSupport.newRing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringbolt.uring.RingTestSupport.Cqe;
import io.ringbolt.uring.RingTestSupport.CqeCollector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingTest {

    @Test
    void shouldReturnUserDataAndResWhenNopRoundTrips() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepNop(0xcafebabe12345678L);
            assertThat(ring.sq().pending()).isEqualTo(1);

            List<Cqe> cqes = new CqeCollector(ring).await(1);

            assertThat(cqes).containsExactly(new Cqe(0xcafebabe12345678L, 0, 0));
            assertThat(ring.sq().pending()).isZero();
            assertThat(ring.cq().ready()).isZero();
        }
    }

    @Test
    void shouldReturnInjectedResWhenNopInjectResult() {
        try (Ring ring = newRing(8, 0)) {
            ring.sq().prepNopInject(-77, 42L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(42L, -77, 0));
        }
    }

    @Test
    void shouldThrowNamingSyscallAndErrnoWhenSqEntriesIsZero() {
        assumeIoUring();

        assertThatThrownBy(() -> Ring.create(0, 0, 0))
                .isInstanceOfSatisfying(IoUringException.class, e -> {
                    assertThat(e.syscall()).isEqualTo("io_uring_setup");
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.getMessage()).startsWith("io_uring_setup failed: EINVAL (22): ")
                            .contains("sqEntries=0");
                });
    }

    @Test
    void shouldThrowWhenCqIsSmallerThanSq() {
        assumeIoUring();

        assertThatThrownBy(() -> Ring.create(64, 8, 0))
                .isInstanceOf(IoUringException.class)
                .hasMessageContaining("EINVAL");
    }

    @Test
    void shouldRejectSqpollWhenCreating() {
        assertThatThrownBy(() -> Ring.create(8, 0, IoUring.IORING_SETUP_SQPOLL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("setupFlags=0x2");
    }

    @Test
    void shouldReportKernelChosenSizesAndFlagsWhenCreated() {
        try (Ring ring = newRing(100, 1000)) {
            assertThat(ring.sqEntries()).isEqualTo(128);
            assertThat(ring.cqEntries()).isEqualTo(1024);
            assertThat(ring.sq().capacity()).isEqualTo(128);
            assertThat(ring.cq().capacity()).isEqualTo(1024);
            assertThat(ring.setupFlags() & RingTestSupport.ENGINE_FLAGS).isEqualTo(RingTestSupport.ENGINE_FLAGS);
            assertThat(ring.setupFlags() & IoUring.IORING_SETUP_CQSIZE).isNotZero();
            assertThat(ring.setupFlags() & IoUring.IORING_SETUP_CLAMP).isNotZero();
            assertThat(ring.hasFeature(IoUring.IORING_FEAT_EXT_ARG)).isTrue();
            assertThat(ring.fd()).isPositive();
        }
    }

    @Test
    void shouldPreferNoSqArrayWhenKernelAcceptsIt() {
        try (Ring ring = newRing(8, 0)) {
            assertThat(ring.setupFlags() & IoUring.IORING_SETUP_NO_SQARRAY)
                    .isEqualTo(IoUringProbe.get().supportsNoSqArray() ? IoUring.IORING_SETUP_NO_SQARRAY : 0);
        }
    }

    @Test
    void shouldRoundTripThroughIndexArrayWhenNoSqArrayIsNotUsed() {
        assumeIoUring();
        try (Ring ring = Ring.create(4, 0, RingTestSupport.ENGINE_FLAGS, false)) {
            assertThat(ring.setupFlags() & IoUring.IORING_SETUP_NO_SQARRAY).isZero();
            CqeCollector collector = new CqeCollector(ring);
            for (long i = 0; i < 10; i++) {
                ring.sq().prepNop(i);
            }
            assertThat(collector.await(10)).extracting(Cqe::userData)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void shouldReturnEtimeWhenWaitingWithNothingPending() {
        try (Ring ring = newRing(8, 0)) {
            assertThat(ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(-Errno.ETIME);
            assertThat(ring.submitAndWait(1, 0)).isEqualTo(-Errno.ETIME);
        }
    }

    @Test
    void shouldReturnSubmittedCountInsteadOfEtimeWhenSomethingWasSubmitted() {
        int eventFd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
        assertThat(eventFd).isNotNegative();
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment counter = arena.allocate(8, 8);
            ring.sq().prepRead(eventFd, counter.address(), 8, 0, 1L);

            // The read never completes: the wait times out but reports the submission.
            assertThat(ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(10))).isEqualTo(1);

            ring.sq().prepCancel(1L, 0, 2L);
            List<Cqe> cqes = new CqeCollector(ring).await(2);
            assertThat(cqes).containsExactlyInAnyOrder(new Cqe(1L, -Errno.ECANCELED, 0), new Cqe(2L, 0, 0));
        } finally {
            LinuxSocket.close(eventFd);
        }
    }

    @Test
    void shouldCompleteReadWhenEventFdIsWritten() {
        int eventFd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment in = arena.allocate(8, 8);
            MemorySegment out = arena.allocate(8, 8);
            ring.sq().prepRead(eventFd, in.address(), 8, 0, 1L);
            assertThat(ring.submit()).isEqualTo(1);

            out.set(ValueLayout.JAVA_LONG, 0, 5L);
            assertThat(LinuxSocket.write(eventFd, out, 8)).isEqualTo(8);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(1L, 8, 0));
            assertThat(in.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(5L);
        } finally {
            LinuxSocket.close(eventFd);
        }
    }

    @Test
    void shouldBeIdempotentAndReleaseFdWhenClosed() {
        assumeIoUring();
        int baseline = LinuxSocket.openFdCount();
        Ring ring = Ring.create(16, 64, RingTestSupport.ENGINE_FLAGS);
        assertThat(LinuxSocket.openFdCount()).isEqualTo(baseline + 1);
        assertThat(ring.registerRingFd()).isZero();

        ring.close();
        ring.close();

        assertThat(ring.isClosed()).isTrue();
        assertThat(LinuxSocket.openFdCount()).isEqualTo(baseline);
        assertThat(ring.toString()).contains("closed");
    }

    @Test
    void shouldThrowIllegalStateWhenQueuesUsedAfterClose() {
        Ring ring = newRing(8, 0);
        ring.close();

        assertThatThrownBy(() -> ring.sq().prepNop(1L)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.cq().ready()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldEnterThroughRegisteredIndexWhenRingFdRegistered() {
        try (Ring ring = newRing(8, 0)) {
            assertThat(ring.registerRingFd()).isZero();
            assertThat(ring.registerRingFd()).isZero();
            assertThat(ring.registeredRingIndex()).isNotNegative();

            ring.sq().prepNop(7L);

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(7L, 0, 0));
            assertThat(ring.toString()).contains("registeredIndex=");
        }
    }

    @Test
    void shouldAcceptOwnerThreadWhenEnabledAfterCreationOnAnotherThread() throws InterruptedException {
        assumeIoUring();
        AtomicReference<Ring> created = new AtomicReference<>();
        Thread creator = Thread.ofPlatform().start(() -> created.set(Ring.create(8, 0,
                RingTestSupport.ENGINE_FLAGS | IoUring.IORING_SETUP_R_DISABLED)));
        creator.join();
        try (Ring ring = created.get()) {
            ring.sq().prepNop(1L);
            assertThat(ring.submitAndWait(1, 0)).isEqualTo(-Errno.EBADFD);

            assertThat(ring.enableRings()).isZero();
            assertThat(ring.registerRingFd()).isZero();

            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(1L, 0, 0));
        }
    }

    @Test
    void shouldRejectWaitFromOtherThreadWhenSingleIssuer() throws InterruptedException {
        try (Ring ring = newRing(8, 0)) {
            AtomicInteger result = new AtomicInteger();
            Thread other = Thread.ofPlatform().start(() -> result.set(ring.submitAndWait(0, 0)));
            other.join();

            assertThat(result.get()).isEqualTo(-Errno.EEXIST);
        }
    }

    @Test
    void shouldPostCqeOnTargetRingWhenMsgRing() {
        try (Ring source = newRing(8, 0); Ring target = newRing(8, 0)) {
            source.sq().prepMsgRing(target.fd(), 42, 0xabcL, 0, 1L);

            assertThat(new CqeCollector(source).await(1)).containsExactly(new Cqe(1L, 0, 0));
            assertThat(new CqeCollector(target).await(1)).containsExactly(new Cqe(0xabcL, 42, 0));
        }
    }

    @Test
    void shouldWakeOwnerWhenSendMsgRingFromAnotherThread() throws InterruptedException {
        assumeTrue(IoUringProbe.get().supportsSendMsgRing(), "IORING_REGISTER_SEND_MSG_RING needs Linux 6.13");
        try (Ring ring = newRing(8, 0)) {
            AtomicInteger result = new AtomicInteger(1);
            Thread other = Thread.ofPlatform().start(() -> result.set(Ring.sendMsgRing(ring.fd(), 9, 0x77L, 0)));
            other.join();

            assertThat(result.get()).isZero();
            assertThat(new CqeCollector(ring).await(1)).containsExactly(new Cqe(0x77L, 9, 0));
        }
    }

    @Test
    void shouldDescribeFdEntriesHeadsAndTailsWhenPrinted() {
        try (Ring ring = newRing(8, 32)) {
            ring.sq().prepNop(1L);

            assertThat(ring.toString())
                    .startsWith("Ring[fd=" + ring.fd())
                    .contains("sq=8 head=0 tail=1 pending=1", "cq=32 head=0 tail=0", "features=0x");
        }
    }

    @Test
    void shouldAcceptRegisterCallsWhenProbing() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment probe = arena.allocate(16 + 256 * 8, 8);

            assertThat(ring.register(IoUring.IORING_REGISTER_PROBE, probe, 256)).isZero();
            assertThat(ring.register(9999, MemorySegment.NULL, 0)).isEqualTo(-Errno.EINVAL);
            assertThatThrownBy(() -> ring.register(IoUring.IORING_REGISTER_PROBE, MemorySegment.ofArray(new byte[16]), 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
