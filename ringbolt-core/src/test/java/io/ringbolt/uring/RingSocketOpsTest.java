package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.newRing;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringbolt.uring.RingTestSupport.Cqe;
import io.ringbolt.uring.RingTestSupport.CqeCollector;
import io.ringbolt.uring.RingTestSupport.Loopback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Socket ops through the ring: the cancel-then-close sequence, send/recv, connect, shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingSocketOpsTest {

    private static final int BGID = 4;
    private static final long UD_ACCEPT = 1;
    private static final long UD_RECV = 2;
    private static final long UD_CANCEL = 3;
    private static final long UD_CLOSE = 4;
    private static final long UD_SEND = 5;

    @Test
    void shouldEndMultishotRecvAndDeliverEofWhenCancelledByFdThenClosed() throws IOException {
        int baseline = LinuxSocket.openFdCount();
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback();
             BufferRing buffers = BufferRing.register(ring, BGID, 4, 256, arena.allocate(4096, 4096),
                     arena.allocate(4 * 256))) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            ring.sq().prepRecvMultishot(loopback.serverFd, BGID, UD_RECV);
            loopback.client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            Cqe data = cqes.awaitUserData(UD_RECV);
            assertThat(data.res()).isEqualTo(5);
            buffers.onConsumed(data.bid());

            ring.sq().prepCancelFd(loopback.serverFd, IoUring.IORING_ASYNC_CANCEL_ALL, UD_CANCEL);
            ring.sq().prepClose(loopback.serverFd, UD_CLOSE);
            loopback.serverFd = -1;

            assertThat(cqes.awaitUserData(UD_CANCEL).res()).isEqualTo(1);
            assertThat(cqes.awaitUserData(UD_CLOSE).res()).isZero();
            Cqe last = cqes.awaitUserData(UD_RECV);
            assertThat(last.res()).isEqualTo(-Errno.ECANCELED);
            assertThat(last.has(IoUring.IORING_CQE_F_MORE)).isFalse();
            assertThat(loopback.client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(LinuxSocket.openFdCount()).isEqualTo(baseline);
    }

    @Test
    void shouldEndRecvWithEofWhenShutdownThroughRing() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            MemorySegment in = arena.allocate(64);
            ring.sq().prepRecv(loopback.serverFd, in.address(), 64, 0, UD_RECV);
            ring.sq().prepShutdown(loopback.serverFd, IoUring.SHUT_RDWR, UD_CLOSE);

            assertThat(cqes.awaitUserData(UD_CLOSE).res()).isZero();
            assertThat(cqes.awaitUserData(UD_RECV).res()).isZero();
            assertThat(loopback.client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldExchangeBytesWhenSendAndRecvUseCallerMemory() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            MemorySegment out = arena.allocateFrom("from-ring", StandardCharsets.US_ASCII);
            ring.sq().prepSend(loopback.serverFd, out.address(), 9, IoUring.MSG_NOSIGNAL, UD_SEND);
            assertThat(cqes.awaitUserData(UD_SEND)).isEqualTo(new Cqe(UD_SEND, 9, 0));
            assertThat(new String(loopback.client.getInputStream().readNBytes(9), StandardCharsets.US_ASCII))
                    .isEqualTo("from-ring");

            MemorySegment in = arena.allocate(64);
            ring.sq().prepRecv(loopback.serverFd, in.address(), 64, 0, UD_RECV);
            loopback.client.getOutputStream().write("to-ring".getBytes(StandardCharsets.US_ASCII));
            assertThat(cqes.awaitUserData(UD_RECV).res()).isEqualTo(7);
            assertThat(in.getString(0, StandardCharsets.US_ASCII)).isEqualTo("to-ring");
        }
    }

    @Test
    void shouldReportCopiedNotificationWhenSendZcOnLoopback() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            MemorySegment out = arena.allocate(1000);
            ring.sq().prepSendZc(loopback.serverFd, out.address(), 1000, IoUring.MSG_NOSIGNAL,
                    IoUring.IORING_SEND_ZC_REPORT_USAGE, UD_SEND);

            Cqe sent = cqes.awaitUserData(UD_SEND);
            Cqe notif = cqes.awaitUserData(UD_SEND);

            assertThat(sent.res()).isEqualTo(1000);
            assertThat(sent.has(IoUring.IORING_CQE_F_MORE)).isTrue();
            assertThat(notif.has(IoUring.IORING_CQE_F_NOTIF)).isTrue();
            assertThat(notif.res() & IoUring.IORING_NOTIF_USAGE_ZC_COPIED).isNotZero();
            assertThat(loopback.client.getInputStream().readNBytes(1000)).hasSize(1000);
        }
    }

    @Test
    void shouldConnectWhenPreparedWithEncodedSockaddr() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64);
             ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            int fd = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
            try {
                MemorySegment sockaddr = arena.allocate(LinuxSocket.SOCKADDR_IN6_SIZE, 8);
                int length = LinuxSocket.encodeSockaddr(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), sockaddr);
                ring.sq().prepConnect(fd, sockaddr.address(), length, UD_ACCEPT);

                assertThat(new CqeCollector(ring).awaitUserData(UD_ACCEPT).res()).isZero();
                try (Socket accepted = server.accept()) {
                    assertThat(LinuxSocket.getpeername(fd).getPort()).isEqualTo(server.getLocalPort());
                    assertThat(accepted.getPort()).isEqualTo(LinuxSocket.getsockname(fd).getPort());
                }
            } finally {
                LinuxSocket.close(fd);
            }
        }
    }

    @Test
    void shouldDeliverOneCqePerConnectionWhenAcceptIsMultishot() throws IOException {
        try (Ring ring = newRing(16, 64); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            ring.sq().prepAcceptMultishot(loopback.listenFd, IoUring.SOCK_CLOEXEC, UD_ACCEPT);
            assertThat(ring.submit()).isEqualTo(1);
            InetAddress loopbackAddress = InetAddress.getLoopbackAddress();
            try (Socket a = new Socket(loopbackAddress, loopback.port);
                 Socket b = new Socket(loopbackAddress, loopback.port)) {
                for (int i = 0; i < 2; i++) {
                    Cqe accepted = cqes.awaitUserData(UD_ACCEPT);
                    assertThat(accepted.res()).isNotNegative();
                    assertThat(accepted.has(IoUring.IORING_CQE_F_MORE)).isTrue();
                    LinuxSocket.close(accepted.res());
                }
            }
            ring.sq().prepCancel(UD_ACCEPT, 0, UD_CANCEL);
            assertThat(cqes.awaitUserData(UD_CANCEL).res()).isZero();
            Cqe last = cqes.awaitUserData(UD_ACCEPT);
            assertThat(last.res()).isEqualTo(-Errno.ECANCELED);
            assertThat(last.has(IoUring.IORING_CQE_F_MORE)).isFalse();
        }
    }

    @Test
    void shouldGatherIovecsWhenSendmsg() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback()) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            MemorySegment first = arena.allocateFrom("head-", StandardCharsets.US_ASCII);
            MemorySegment second = arena.allocateFrom("tail", StandardCharsets.US_ASCII);
            MemorySegment iov = arena.allocate(32, 8);
            iov.set(ValueLayout.JAVA_LONG, 0, first.address());
            iov.set(ValueLayout.JAVA_LONG, 8, 5L);
            iov.set(ValueLayout.JAVA_LONG, 16, second.address());
            iov.set(ValueLayout.JAVA_LONG, 24, 4L);
            // struct msghdr (56 bytes): msg_iov @16, msg_iovlen @24; no name, no control.
            MemorySegment msghdr = arena.allocate(56, 8);
            msghdr.set(ValueLayout.JAVA_LONG, 16, iov.address());
            msghdr.set(ValueLayout.JAVA_LONG, 24, 2L);

            ring.sq().prepSendmsg(loopback.serverFd, msghdr.address(), IoUring.MSG_NOSIGNAL, UD_SEND);

            assertThat(cqes.awaitUserData(UD_SEND)).isEqualTo(new Cqe(UD_SEND, 9, 0));
            assertThat(new String(loopback.client.getInputStream().readNBytes(9), StandardCharsets.US_ASCII))
                    .isEqualTo("head-tail");
        }
    }

    @Test
    void shouldPickOneBufferWithoutMoreWhenRecvSelectIsSingleShot() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = newRing(16, 64); Loopback loopback = new Loopback();
             BufferRing buffers = BufferRing.register(ring, BGID, 4, 256, arena.allocate(4096, 4096),
                     arena.allocate(4 * 256))) {
            CqeCollector cqes = new CqeCollector(ring);
            loopback.acceptVia(ring, cqes, UD_ACCEPT);
            ring.sq().prepRecvSelect(loopback.serverFd, BGID, UD_RECV);
            loopback.client.getOutputStream().write("single".getBytes(StandardCharsets.US_ASCII));

            Cqe cqe = cqes.awaitUserData(UD_RECV);

            assertThat(cqe.res()).isEqualTo(6);
            assertThat(cqe.has(IoUring.IORING_CQE_F_BUFFER)).isTrue();
            assertThat(cqe.has(IoUring.IORING_CQE_F_MORE)).isFalse();
            buffers.onConsumed(cqe.bid());
            byte[] received = buffers.bufferMemory().asSlice(buffers.bufferOffset(cqe.bid()), 6)
                    .toArray(ValueLayout.JAVA_BYTE);
            assertThat(new String(received, StandardCharsets.US_ASCII)).isEqualTo("single");
            assertThat(buffers.kernelOwned()).isEqualTo(3);
        }
    }
}
