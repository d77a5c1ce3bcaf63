package io.ringbolt.uring;

import static io.ringbolt.uring.IoUring.AF_INET;
import static io.ringbolt.uring.IoUring.AF_INET6;
import static io.ringbolt.uring.IoUring.SOL_SOCKET;
import static io.ringbolt.uring.IoUring.SO_DOMAIN;
import static io.ringbolt.uring.IoUring.SO_LINGER;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.File;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Socket and small process syscalls through FFM: plain (non-variadic) glibc downcalls with
 * errno capture. Every call returns a non-negative result or a negated errno and never throws on
 * an I/O error; only programmer errors (unresolved address, heap segment, short buffer) throw.
 *
 * <p>Threading: any thread; each thread uses its own native scratch for arguments and errno.
 */
public final class LinuxSocket {

    private static final MethodHandle SOCKET = Syscalls.downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle SETSOCKOPT = Syscalls.downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKOPT = Syscalls.downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle BIND = Syscalls.downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle CONNECT = Syscalls.downcall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle LISTEN = Syscalls.downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKNAME = Syscalls.downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle GETPEERNAME = Syscalls.downcall("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle SHUTDOWN = Syscalls.downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = Syscalls.downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle WRITE = Syscalls.downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle READ = Syscalls.downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle GETRLIMIT = Syscalls.downcall("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Syscalls.CAPTURE_ERRNO);
    private static final MethodHandle GETEUID = Syscalls.downcall("geteuid", FunctionDescriptor.of(JAVA_INT));

    /** sizeof(struct sockaddr_in). */
    public static final int SOCKADDR_IN_SIZE = 16;
    /** sizeof(struct sockaddr_in6). */
    public static final int SOCKADDR_IN6_SIZE = 28;
    /** sizeof(struct sockaddr_storage): enough for any address this class decodes. */
    static final int SOCKADDR_STORAGE_SIZE = 128;
    /** Offset of the socklen_t in the thread scratch, after a sockaddr_storage. */
    private static final long SOCKLEN_OFFSET = SOCKADDR_STORAGE_SIZE;

    private LinuxSocket() {
    }

    private static int result(MemorySegment capture, int r) {
        return r == -1 ? -Syscalls.errno(capture) : r;
    }

    /**
     * socket(2).
     *
     * @param domain   AF_INET or AF_INET6
     * @param type     SOCK_STREAM/SOCK_DGRAM, optionally | SOCK_NONBLOCK | SOCK_CLOEXEC
     * @param protocol 0 or IPPROTO_*
     * @return the fd or -errno (-EMFILE, -EAFNOSUPPORT, ...)
     */
    public static int socket(int domain, int type, int protocol) {
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            return result(capture, (int) SOCKET.invokeExact(capture, domain, type, protocol));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * setsockopt(2) with an int value.
     *
     * @param fd    the socket
     * @param level SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6
     * @param opt   the option (SO_REUSEADDR, TCP_NODELAY, ...)
     * @param value the value
     * @return 0 or -errno
     */
    public static int setsockoptInt(int fd, int level, int opt, int value) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        scratch.data.set(JAVA_INT, 0, value);
        return setsockopt(scratch, fd, level, opt, Integer.BYTES);
    }

    /**
     * Sets SO_LINGER ({@code struct linger {int l_onoff; int l_linger;}}). On with 0 seconds
     * makes close send an RST.
     *
     * @param fd      the socket
     * @param on      l_onoff
     * @param seconds l_linger
     * @return 0 or -errno
     */
    public static int setLinger(int fd, boolean on, int seconds) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        scratch.data.set(JAVA_INT, 0, on ? 1 : 0);
        scratch.data.set(JAVA_INT, 4, seconds);
        return setsockopt(scratch, fd, SOL_SOCKET, SO_LINGER, 2 * Integer.BYTES);
    }

    private static int setsockopt(Syscalls.ThreadScratch scratch, int fd, int level, int opt, int length) {
        try {
            return result(scratch.capture,
                    (int) SETSOCKOPT.invokeExact(scratch.capture, fd, level, opt, scratch.data, length));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * getsockopt(2) of an int option.
     *
     * @param fd    the socket
     * @param level the option level
     * @param opt   the option
     * @return the (non-negative) value, or -errno
     */
    public static int getsockoptInt(int fd, int level, int opt) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        MemorySegment value = scratch.data.asSlice(0, Integer.BYTES);
        MemorySegment length = scratch.data.asSlice(SOCKLEN_OFFSET, Integer.BYTES);
        value.set(JAVA_INT, 0, 0);
        length.set(JAVA_INT, 0, Integer.BYTES);
        try {
            int r = result(scratch.capture, (int) GETSOCKOPT.invokeExact(scratch.capture, fd, level, opt, value, length));
            return r < 0 ? r : value.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * bind(2). On an AF_INET6 socket an IPv4 address is bound as its v4-mapped form
     * ({@code ::ffff:a.b.c.d}, needs IPV6_V6ONLY off).
     *
     * @param fd      the socket
     * @param address a resolved address; port 0 picks an ephemeral port
     * @return 0 or -errno (-EADDRINUSE, -EADDRNOTAVAIL, -EAFNOSUPPORT, ...)
     */
    public static int bind(int fd, InetSocketAddress address) {
        return addressCall(BIND, fd, address);
    }

    /**
     * connect(2), blocking unless the socket is non-blocking (then -EINPROGRESS). Same address
     * rules as {@link #bind}.
     *
     * @param fd      the socket
     * @param address a resolved address
     * @return 0 or -errno
     */
    public static int connect(int fd, InetSocketAddress address) {
        return addressCall(CONNECT, fd, address);
    }

    private static int addressCall(MethodHandle call, int fd, InetSocketAddress address) {
        int domain = getsockoptInt(fd, SOL_SOCKET, SO_DOMAIN);
        if (domain < 0) {
            return domain;
        }
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        MemorySegment sockaddr = scratch.data.asSlice(0, SOCKADDR_STORAGE_SIZE);
        int length = encodeSockaddr(address, domain, sockaddr);
        try {
            return result(scratch.capture, (int) call.invokeExact(scratch.capture, fd, sockaddr, length));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * listen(2).
     *
     * @param fd      a bound socket
     * @param backlog the accept queue length (capped by net.core.somaxconn)
     * @return 0 or -errno
     */
    public static int listen(int fd, int backlog) {
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            return result(capture, (int) LISTEN.invokeExact(capture, fd, backlog));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * getsockname(2).
     *
     * @param fd the socket
     * @return the local address (v4-mapped IPv6 addresses come back as IPv4), or null on error
     */
    public static InetSocketAddress getsockname(int fd) {
        return nameCall(GETSOCKNAME, fd);
    }

    /**
     * getpeername(2).
     *
     * @param fd a connected socket
     * @return the peer address, or null on error (e.g. not connected)
     */
    public static InetSocketAddress getpeername(int fd) {
        return nameCall(GETPEERNAME, fd);
    }

    private static InetSocketAddress nameCall(MethodHandle call, int fd) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        MemorySegment sockaddr = scratch.data.asSlice(0, SOCKADDR_STORAGE_SIZE);
        MemorySegment length = scratch.data.asSlice(SOCKLEN_OFFSET, Integer.BYTES);
        length.set(JAVA_INT, 0, SOCKADDR_STORAGE_SIZE);
        try {
            int r = result(scratch.capture, (int) call.invokeExact(scratch.capture, fd, sockaddr, length));
            return r < 0 ? null : decodeSockaddr(sockaddr.asSlice(0, Math.min(length.get(JAVA_INT, 0), SOCKADDR_STORAGE_SIZE)));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * close(2).
     *
     * @param fd the descriptor
     * @return 0 or -errno
     */
    public static int close(int fd) {
        return Syscalls.close(Syscalls.threadScratch().capture, fd);
    }

    /**
     * shutdown(2).
     *
     * @param fd  the socket
     * @param how SHUT_RD, SHUT_WR or SHUT_RDWR
     * @return 0 or -errno
     */
    public static int shutdown(int fd, int how) {
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            return result(capture, (int) SHUTDOWN.invokeExact(capture, fd, how));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * eventfd(2).
     *
     * @param initval the initial counter
     * @param flags   EFD_CLOEXEC, EFD_NONBLOCK
     * @return the fd or -errno
     */
    public static int eventfd(int initval, int flags) {
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            return result(capture, (int) EVENTFD.invokeExact(capture, initval, flags));
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * write(2) of the first {@code length} bytes of {@code buffer}.
     *
     * @param fd     the descriptor
     * @param buffer native memory
     * @param length bytes to write, ≤ buffer.byteSize()
     * @return bytes written or -errno (-EAGAIN on a full non-blocking fd)
     * @throws IndexOutOfBoundsException when length exceeds the buffer
     */
    public static long write(int fd, MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0, length, buffer.byteSize());
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            long r = (long) WRITE.invokeExact(capture, fd, buffer, length);
            return r == -1 ? -Syscalls.errno(capture) : r;
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * read(2) into the first {@code length} bytes of {@code buffer}.
     *
     * @param fd     the descriptor
     * @param buffer native memory
     * @param length bytes to read at most, ≤ buffer.byteSize()
     * @return bytes read (0 at EOF) or -errno
     * @throws IndexOutOfBoundsException when length exceeds the buffer
     */
    public static long read(int fd, MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0, length, buffer.byteSize());
        MemorySegment capture = Syscalls.threadScratch().capture;
        try {
            long r = (long) READ.invokeExact(capture, fd, buffer, length);
            return r == -1 ? -Syscalls.errno(capture) : r;
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * getrlimit(2) soft limit.
     *
     * @param resource RLIMIT_MEMLOCK, RLIMIT_NOFILE, ...
     * @return the soft limit, {@link Long#MAX_VALUE} for RLIM_INFINITY, or -errno
     */
    public static long getrlimitSoft(int resource) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        MemorySegment rlimit = scratch.data.asSlice(0, 2 * Long.BYTES);
        try {
            int r = result(scratch.capture, (int) GETRLIMIT.invokeExact(scratch.capture, resource, rlimit));
            if (r < 0) {
                return r;
            }
            long soft = rlimit.get(JAVA_LONG, 0);
            return soft == -1L ? Long.MAX_VALUE : soft;
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * geteuid(2).
     *
     * @return the effective user id
     */
    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Syscalls.rethrow(t);
        }
    }

    /**
     * Counts this process's open file descriptors (entries of /proc/self/fd, including the one
     * briefly used to list it). For leak checks in tests.
     *
     * @return the count, or -1 when /proc is unavailable
     */
    public static int openFdCount() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    /**
     * Encodes a sockaddr_in (IPv4) or sockaddr_in6 (IPv6) in the address's own family.
     *
     * @param address a resolved address
     * @param dst     memory (native or heap, any alignment) of at least 16 (IPv4) or 28 (IPv6) bytes
     * @return the sockaddr length, 16 or 28
     * @throws IllegalArgumentException for an unresolved address or a too-small dst
     */
    public static int encodeSockaddr(InetSocketAddress address, MemorySegment dst) {
        return encodeSockaddr(address, address.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET, dst);
    }

    /**
     * Encodes an address for a socket of {@code domain}: IPv4 addresses become v4-mapped
     * sockaddr_in6 for AF_INET6; any other mismatch is encoded as-is for the kernel to reject.
     *
     * @param address a resolved address
     * @param domain  the socket's domain (AF_INET or AF_INET6)
     * @param dst     memory of at least 16 or 28 bytes
     * @return the sockaddr length, 16 or 28
     * @throws IllegalArgumentException for an unresolved address or a too-small dst
     */
    public static int encodeSockaddr(InetSocketAddress address, int domain, MemorySegment dst) {
        InetAddress inet = address.getAddress();
        if (inet == null) {
            throw new IllegalArgumentException("address=" + address + ": unresolved");
        }
        byte[] raw = inet.getAddress();
        boolean v6 = raw.length == 16 || domain == AF_INET6;
        int length = v6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
        if (dst.byteSize() < length) {
            throw new IllegalArgumentException("dst byteSize=" + dst.byteSize() + ": need " + length + " bytes");
        }
        dst.asSlice(0, length).fill((byte) 0);
        dst.set(JAVA_SHORT_UNALIGNED, 0, (short) (v6 ? AF_INET6 : AF_INET));
        dst.set(JAVA_BYTE, 2, (byte) (address.getPort() >>> 8));
        dst.set(JAVA_BYTE, 3, (byte) address.getPort());
        if (!v6) {
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 4, 4);
        } else if (raw.length == 4) {
            dst.set(JAVA_BYTE, 18, (byte) 0xFF);
            dst.set(JAVA_BYTE, 19, (byte) 0xFF);
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 8, 16);
            dst.set(JAVA_INT_UNALIGNED, 24, ((Inet6Address) inet).getScopeId());
        }
        return length;
    }

    /**
     * Decodes a sockaddr_in or sockaddr_in6; v4-mapped IPv6 addresses come back as IPv4.
     *
     * @param src the sockaddr bytes (at least 16 or 28 by family)
     * @return the address, or null for another family or a too-short src
     */
    public static InetSocketAddress decodeSockaddr(MemorySegment src) {
        if (src.byteSize() < 2) {
            return null;
        }
        int family = src.get(JAVA_SHORT_UNALIGNED, 0);
        int port = ((src.get(JAVA_BYTE, 2) & 0xFF) << 8) | (src.get(JAVA_BYTE, 3) & 0xFF);
        try {
            if (family == AF_INET && src.byteSize() >= SOCKADDR_IN_SIZE) {
                byte[] raw = src.asSlice(4, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == AF_INET6 && src.byteSize() >= SOCKADDR_IN6_SIZE) {
                byte[] raw = src.asSlice(8, 16).toArray(JAVA_BYTE);
                int scopeId = src.get(JAVA_INT_UNALIGNED, 24);
                InetAddress inet = InetAddress.getByAddress(raw);
                if (inet instanceof Inet4Address || scopeId == 0) {
                    return new InetSocketAddress(inet, port);
                }
                return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scopeId), port);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new AssertionError("fixed-length address rejected", e);
        }
    }
}
