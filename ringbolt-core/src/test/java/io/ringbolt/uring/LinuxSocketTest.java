package io.ringbolt.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinuxSocketTest {

    private static final InetAddress LOOPBACK_V4 = InetAddress.getLoopbackAddress();

    @Test
    void shouldReportEphemeralPortWhenBoundToPortZero() {
        int fd = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        try {
            assertThat(fd).isNotNegative();
            assertThat(LinuxSocket.bind(fd, new InetSocketAddress(LOOPBACK_V4, 0))).isZero();
            assertThat(LinuxSocket.listen(fd, 8)).isZero();

            InetSocketAddress local = LinuxSocket.getsockname(fd);

            assertThat(local.getAddress()).isEqualTo(LOOPBACK_V4);
            assertThat(local.getPort()).isPositive();
            assertThat(LinuxSocket.getpeername(fd)).isNull();
        } finally {
            assertThat(LinuxSocket.close(fd)).isZero();
        }
    }

    @Test
    void shouldAcceptJavaClientWhenListeningOnIpv6Loopback() throws IOException {
        InetAddress v6Loopback = InetAddress.getByName("::1");
        int fd = LinuxSocket.socket(IoUring.AF_INET6, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        assumeTrue(fd >= 0, "no IPv6: " + Errno.name(fd));
        try {
            int bound = LinuxSocket.bind(fd, new InetSocketAddress(v6Loopback, 0));
            assumeTrue(bound != -Errno.EADDRNOTAVAIL, "::1 not configured");
            assertThat(bound).isZero();
            assertThat(LinuxSocket.listen(fd, 8)).isZero();
            InetSocketAddress local = LinuxSocket.getsockname(fd);
            assertThat(local.getAddress()).isEqualTo(v6Loopback);

            try (Socket client = new Socket(v6Loopback, local.getPort())) {
                assertThat(client.isConnected()).isTrue();
            }
        } finally {
            LinuxSocket.close(fd);
        }
    }

    @Test
    void shouldBindV4MappedWhenIpv4AddressGivenToIpv6Socket() throws IOException {
        int fd = LinuxSocket.socket(IoUring.AF_INET6, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        assumeTrue(fd >= 0, "no IPv6");
        try {
            assertThat(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_IPV6, IoUring.IPV6_V6ONLY, 0)).isZero();
            assertThat(LinuxSocket.bind(fd, new InetSocketAddress(LOOPBACK_V4, 0))).isZero();
            assertThat(LinuxSocket.listen(fd, 8)).isZero();

            InetSocketAddress local = LinuxSocket.getsockname(fd);

            assertThat(local.getAddress()).isInstanceOf(Inet4Address.class).isEqualTo(LOOPBACK_V4);
            try (Socket client = new Socket(LOOPBACK_V4, local.getPort())) {
                assertThat(client.isConnected()).isTrue();
            }
        } finally {
            LinuxSocket.close(fd);
        }
    }

    @Test
    void shouldCountFdsUpAndDownWhenSocketsOpenAndClose() {
        int baseline = LinuxSocket.openFdCount();
        int a = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        int b = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC | IoUring.EFD_NONBLOCK);

        assertThat(LinuxSocket.openFdCount()).isEqualTo(baseline + 2);

        LinuxSocket.close(a);
        LinuxSocket.close(b);
        assertThat(LinuxSocket.openFdCount()).isEqualTo(baseline);
    }

    @Test
    void shouldReturnNegativeErrnoWhenCallsFail() {
        assertThat(LinuxSocket.close(-1)).isEqualTo(-Errno.EBADF);
        assertThat(LinuxSocket.listen(-1, 1)).isEqualTo(-Errno.EBADF);
        assertThat(LinuxSocket.socket(9999, IoUring.SOCK_STREAM, 0)).isEqualTo(-Errno.EAFNOSUPPORT);
        assertThat(LinuxSocket.getsockoptInt(-1, IoUring.SOL_SOCKET, IoUring.SO_RCVBUF)).isEqualTo(-Errno.EBADF);
        assertThat(LinuxSocket.getsockname(-1)).isNull();
    }

    @Test
    void shouldRoundTripSocketOptionsWhenSetAndRead() {
        int fd = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        try {
            assertThat(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY, 1)).isZero();
            assertThat(LinuxSocket.getsockoptInt(fd, IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY)).isEqualTo(1);
            assertThat(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEPORT, 1)).isZero();
            assertThat(LinuxSocket.getsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEPORT)).isEqualTo(1);
            assertThat(LinuxSocket.getsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_DOMAIN)).isEqualTo(IoUring.AF_INET);
            assertThat(LinuxSocket.setLinger(fd, true, 0)).isZero();
        } finally {
            LinuxSocket.close(fd);
        }
    }

    @Test
    void shouldExchangeBytesWhenConnectedThroughBlockingConnect() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 8, LOOPBACK_V4); Arena arena = Arena.ofConfined()) {
            int fd = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
            try {
                assertThat(LinuxSocket.connect(fd, new InetSocketAddress(LOOPBACK_V4, server.getLocalPort()))).isZero();
                assertThat(LinuxSocket.getpeername(fd).getPort()).isEqualTo(server.getLocalPort());
                try (Socket accepted = server.accept()) {
                    MemorySegment out = arena.allocateFrom("ping", StandardCharsets.US_ASCII);
                    assertThat(LinuxSocket.write(fd, out, 4)).isEqualTo(4);
                    assertThat(accepted.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));

                    accepted.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                    MemorySegment in = arena.allocate(16);
                    assertThat(LinuxSocket.read(fd, in, 16)).isEqualTo(4);
                    assertThat(in.getString(0, StandardCharsets.US_ASCII)).startsWith("pong");

                    assertThat(LinuxSocket.shutdown(fd, IoUring.SHUT_WR)).isZero();
                    InputStream peer = accepted.getInputStream();
                    assertThat(peer.read()).isEqualTo(-1);
                }
            } finally {
                LinuxSocket.close(fd);
            }
        }
    }

    @Test
    void shouldRoundTripSockaddrWhenEncodedAndDecoded() throws IOException {
        MemorySegment dst = MemorySegment.ofArray(new byte[28]);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 8080);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fd00::2"), 443);

        assertThat(LinuxSocket.encodeSockaddr(v4, dst)).isEqualTo(16);
        assertThat(dst.get(ValueLayout.JAVA_BYTE, 2)).isEqualTo((byte) 0x1F);
        assertThat(dst.get(ValueLayout.JAVA_BYTE, 3)).isEqualTo((byte) 0x90);
        assertThat(LinuxSocket.decodeSockaddr(dst)).isEqualTo(v4);

        assertThat(LinuxSocket.encodeSockaddr(v6, dst)).isEqualTo(28);
        assertThat(LinuxSocket.decodeSockaddr(dst)).isEqualTo(v6);

        assertThat(LinuxSocket.encodeSockaddr(v4, IoUring.AF_INET6, dst)).isEqualTo(28);
        assertThat(LinuxSocket.decodeSockaddr(dst)).isEqualTo(v4);

        assertThatThrownBy(() -> LinuxSocket.encodeSockaddr(InetSocketAddress.createUnresolved("x", 1), dst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
    }

    @Test
    void shouldReadLimitsAndUidWhenAsked() {
        assertThat(LinuxSocket.getrlimitSoft(IoUring.RLIMIT_NOFILE)).isPositive();
        assertThat(LinuxSocket.getrlimitSoft(IoUring.RLIMIT_MEMLOCK)).isNotNegative();
        assertThat(LinuxSocket.geteuid()).isNotNegative();
    }
}
