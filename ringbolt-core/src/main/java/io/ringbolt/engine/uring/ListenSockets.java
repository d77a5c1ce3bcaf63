package io.ringbolt.engine.uring;

import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Opens listening sockets with the engine's options. */
final class ListenSockets {
    private ListenSockets() {
    }

    /**
     * Creates, configures, binds and listens. TCP_NODELAY is set on the listener because Linux
     * copies it to every accepted socket, which saves a setsockopt per connection.
     *
     * @return the listening fd
     * @throws IOException naming the address and the errno
     */
    static int open(InetSocketAddress address, int backlog, boolean reusePort, boolean noDelay) throws IOException {
        boolean v6 = address.getAddress() instanceof Inet6Address;
        int fd = LinuxSocket.socket(v6 ? IoUring.AF_INET6 : IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket() for " + address + " failed: " + Errno.name(fd));
        }
        try {
            check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEADDR, 1), "SO_REUSEADDR", address);
            if (reusePort) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEPORT, 1), "SO_REUSEPORT", address);
            }
            if (v6 && address.getAddress().isAnyLocalAddress()) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_IPV6, IoUring.IPV6_V6ONLY, 0), "IPV6_V6ONLY", address);
            }
            if (noDelay) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY, 1), "TCP_NODELAY", address);
            }
            int r = LinuxSocket.bind(fd, address);
            if (r < 0) {
                throw new IOException("bind " + address + " failed: " + Errno.name(r)
                        + (r == -Errno.EADDRINUSE ? " (address already in use)" : ""));
            }
            check(LinuxSocket.listen(fd, backlog), "listen", address);
            return fd;
        } catch (IOException | RuntimeException e) {
            LinuxSocket.close(fd);
            throw e;
        }
    }

    private static void check(int result, String what, InetSocketAddress address) throws IOException {
        if (result < 0) {
            throw new IOException(what + " on " + address + " failed: " + Errno.name(result));
        }
    }

    /** The bound address of a listening fd. */
    static InetSocketAddress boundAddress(int fd, InetSocketAddress requested) {
        InetSocketAddress a = LinuxSocket.getsockname(fd);
        return a != null ? a : requested;
    }
}
