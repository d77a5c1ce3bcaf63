package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.newRing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringbolt.uring.RingTestSupport.Cqe;
import io.ringbolt.uring.RingTestSupport.CqeCollector;
import io.ringbolt.uring.RingTestSupport.Loopback;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BufferRingTest {

    private static final int ENTRIES = 8;
    private static final int BUFFER_SIZE = 128;
    private static final int MESSAGE_LENGTH = 100;
    private static final int BGID = 7;
    private static final long UD_ACCEPT = 1;
    private static final long UD_RECV = 2;
    private static final long UD_CANCEL = 3;

    @Test
    void shouldAccountBuffersAndLoseNoBytesWhenRingRunsDryAndIsReplenished() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(64, 256); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            BufferRing buffers = BufferRing.register(ring, BGID, ENTRIES, BUFFER_SIZE,
                    arena.allocate(ENTRIES * 16L, 4096), arena.allocate((long) ENTRIES * BUFFER_SIZE, 64));
            assertThat(buffers.kernelOwned()).isEqualTo(ENTRIES);
            assertThat(buffers.staged()).isZero();
            assertThat(buffers.kernelHead()).isZero();
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            OutputStream peer = loopback.client.getOutputStream();
            ring.sq().prepRecvMultishot(loopback.serverFd, BGID, UD_RECV);

            for (int i = 0; i < ENTRIES; i++) {
                peer.write(message(i));
                Cqe cqe = cqes.awaitUserData(UD_RECV);
                assertThat(cqe.res()).as("recv #%d %s", i, cqe).isEqualTo(MESSAGE_LENGTH);
                assertThat(cqe.has(IoUring.IORING_CQE_F_BUFFER)).isTrue();
                assertThat(cqe.has(IoUring.IORING_CQE_F_MORE)).isTrue();
                assertThat(cqe.bid()).isEqualTo(i);
                assertThat(received(buffers, cqe)).isEqualTo(message(i));
                buffers.onConsumed(cqe.bid());
                assertThat(buffers.kernelOwned()).isEqualTo(ENTRIES - 1 - i);
            }
            assertThat(buffers.kernelHead()).isEqualTo(ENTRIES);

            peer.write(message(ENTRIES));
            Cqe dry = cqes.awaitUserData(UD_RECV);
            assertThat(dry.res()).isEqualTo(-Errno.ENOBUFS);
            assertThat(dry.has(IoUring.IORING_CQE_F_MORE)).isFalse();
            assertThat(dry.has(IoUring.IORING_CQE_F_BUFFER)).isFalse();

            for (int bid = 0; bid < ENTRIES; bid++) {
                buffers.recycle(bid);
            }
            assertThat(buffers.staged()).isEqualTo(ENTRIES);
            assertThat(buffers.kernelOwned()).isZero();
            assertThat(buffers.publish()).isEqualTo(ENTRIES);
            assertThat(buffers.publish()).isZero();
            assertThat(buffers.kernelOwned()).isEqualTo(ENTRIES);
            assertThat(buffers.staged()).isZero();

            ring.sq().prepRecvMultishot(loopback.serverFd, BGID, UD_RECV);
            Cqe pending = cqes.awaitUserData(UD_RECV);
            assertThat(pending.res()).isEqualTo(MESSAGE_LENGTH);
            assertThat(pending.bid()).isZero();
            assertThat(received(buffers, pending)).isEqualTo(message(ENTRIES));
            buffers.onConsumed(pending.bid());
            assertThat(buffers.kernelOwned()).isEqualTo(ENTRIES - 1);
            assertThat(buffers.kernelHead()).isEqualTo(ENTRIES + 1);

            ring.sq().prepCancelFd(loopback.serverFd, IoUring.IORING_ASYNC_CANCEL_ALL, UD_CANCEL);
            assertThat(cqes.awaitUserData(UD_CANCEL).res()).isEqualTo(1);
            assertThat(cqes.awaitUserData(UD_RECV).res()).isEqualTo(-Errno.ECANCELED);
            assertThat(buffers.unregister()).isZero();
            assertThat(buffers.unregister()).isZero();
            assertThat(buffers.kernelHead()).isNegative();
        }
    }

    @Test
    void shouldRejectEntriesWhenNotPowerOfTwo() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment ringMemory = arena.allocate(4096, 4096);
            MemorySegment bufferMemory = arena.allocate(4096);

            assertThatThrownBy(() -> BufferRing.register(ring, 0, 6, 64, ringMemory, bufferMemory))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entries=6");
            assertThatThrownBy(() -> BufferRing.register(ring, 0, 65536, 64, ringMemory, bufferMemory))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entries=65536");
        }
    }

    @Test
    void shouldRejectRingMemoryWhenNotPageAlignedOrTooSmall() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment page = arena.allocate(8192, 4096);
            MemorySegment bufferMemory = arena.allocate(8 * 64);

            assertThatThrownBy(() -> BufferRing.register(ring, 0, 8, 64, page.asSlice(64), bufferMemory))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entries=8")
                    .hasMessageContaining("aligned");
            assertThatThrownBy(() -> BufferRing.register(ring, 0, 8, 64, page.asSlice(0, 64), bufferMemory))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entries=8");
            assertThatThrownBy(() -> BufferRing.register(ring, 0, 8, 64, page, bufferMemory.asSlice(0, 100)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entries=8");
        }
    }

    @Test
    void shouldThrowEexistWhenBgidRegisteredTwice() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment bufferMemory = arena.allocate(8 * 64);
            try (BufferRing first = BufferRing.register(ring, 3, 8, 64, arena.allocate(4096, 4096), bufferMemory)) {
                assertThat(first.bgid()).isEqualTo(3);

                assertThatThrownBy(() -> BufferRing.register(ring, 3, 8, 64, arena.allocate(4096, 4096), bufferMemory))
                        .isInstanceOfSatisfying(IoUringException.class, e -> {
                            assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                            assertThat(e.syscall()).contains("IORING_REGISTER_PBUF_RING");
                            assertThat(e.getMessage()).contains("bgid=3");
                        });
            }
        }
    }

    @Test
    void shouldComputeBufferAddressesAndRefuseOverRecycleWhenAccounting() {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0)) {
            MemorySegment bufferMemory = arena.allocate(4 * 256);
            try (BufferRing buffers = BufferRing.register(ring, 1, 4, 256, arena.allocate(4096, 4096), bufferMemory)) {
                assertThat(buffers.entries()).isEqualTo(4);
                assertThat(buffers.bufferSize()).isEqualTo(256);
                assertThat(buffers.bufferMemory()).isSameAs(bufferMemory);
                assertThat(buffers.bufferOffset(3)).isEqualTo(768);
                assertThat(buffers.bufferAddress(2)).isEqualTo(bufferMemory.address() + 512);
                assertThatThrownBy(() -> buffers.bufferOffset(4)).isInstanceOf(IndexOutOfBoundsException.class);

                assertThatThrownBy(() -> buffers.recycle(0)).isInstanceOf(IllegalStateException.class);
                buffers.onConsumed(2);
                buffers.recycle(2);
                assertThat(buffers.staged()).isEqualTo(1);
                assertThat(buffers.kernelOwned()).isEqualTo(3);
                assertThat(buffers.toString()).contains("bgid=1", "kernelOwned=3", "staged=1");
            }
        }
    }

    @Test
    void shouldRegisterIncrementalRingWhenKernelSupportsIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringProbe.get().supportsIncrementalBuffers());
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(8, 0);
             BufferRing buffers = BufferRing.register(ring, 2, 2, 16384, arena.allocate(4096, 4096),
                     arena.allocate(2 * 16384), IoUring.IOU_PBUF_RING_INC)) {
            assertThat(buffers.kernelOwned()).isEqualTo(2);
        }
    }

    private static byte[] message(int index) {
        byte[] bytes = new byte[MESSAGE_LENGTH];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (index * 31 + i);
        }
        return bytes;
    }

    private static byte[] received(BufferRing buffers, Cqe cqe) {
        return buffers.bufferMemory().asSlice(buffers.bufferOffset(cqe.bid()), cqe.res()).toArray(ValueLayout.JAVA_BYTE);
    }
}
