package io.ringbolt.engine.uring;

import io.ringbolt.engine.runtime.ListenSocketOps;
import io.ringbolt.engine.runtime.Listeners;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Opens listening sockets (plain fds) with the engine's options. */
final class ListenSockets implements ListenSocketOps<Integer> {
    private final int backlog;
    private final boolean noDelay;

    ListenSockets(int backlog, boolean noDelay) {
        this.backlog = backlog;
        this.noDelay = noDelay;
    }

    /**
     * Creates, configures, binds and listens. TCP_NODELAY is set on the listener because Linux
     * copies it to every accepted socket, which saves a setsockopt per connection.
     *
     * @return the listening fd
     * @throws IOException naming the address and the errno
     */
    @Override
    public Integer open(InetSocketAddress address, boolean reusePort) throws IOException {
        int fd = socket(address);
        try {
            if (reusePort) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEPORT, 1), "SO_REUSEPORT", address);
            }
            if (noDelay) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY, 1), "TCP_NODELAY", address);
            }
            int r = LinuxSocket.bind(fd, address);
            if (r == -Errno.EADDRINUSE) {
                throw new BindException("bind " + Listeners.describe(address) + " failed: EADDRINUSE (address already in use)");
            }
            check(r, "bind", address);
            check(LinuxSocket.listen(fd, backlog), "listen", address);
            return fd;
        } catch (IOException | RuntimeException e) {
            LinuxSocket.close(fd);
            throw e;
        }
    }

    @Override
    public boolean isInUse(InetSocketAddress address) throws IOException {
        int fd = socket(address);
        try {
            int r = LinuxSocket.bind(fd, address);
            if (r == -Errno.EADDRINUSE) {
                return true;
            }
            check(r, "bind", address);
            return false;
        } finally {
            LinuxSocket.close(fd);
        }
    }

    /**
     * A TCP socket for {@code address} with SO_REUSEADDR (TIME_WAIT leftovers of the port do not
     * block a bind) and, for the IPv6 wildcard, dual-stack like every listener.
     */
    private static int socket(InetSocketAddress address) throws IOException {
        boolean v6 = address.getAddress() instanceof Inet6Address;
        int fd = LinuxSocket.socket(v6 ? IoUring.AF_INET6 : IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket() for " + address + " failed: " + Errno.name(fd));
        }
        try {
            check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEADDR, 1), "SO_REUSEADDR", address);
            if (v6 && address.getAddress().isAnyLocalAddress()) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_IPV6, IoUring.IPV6_V6ONLY, 0), "IPV6_V6ONLY", address);
            }
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
    @Override
    public InetSocketAddress localAddress(Integer fd, InetSocketAddress requested) {
        InetSocketAddress a = LinuxSocket.getsockname(fd);
        return a != null ? a : requested;
    }

    @Override
    public void close(Integer fd) {
        LinuxSocket.close(fd);
    }
}
