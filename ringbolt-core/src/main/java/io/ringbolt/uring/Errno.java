package io.ringbolt.uring;

/**
 * Linux errno numbers (x86_64 and aarch64 generic values) as returned, negated, by every
 * hot-path call of this package and in CQE {@code res}.
 *
 * <p>Constant table: the names are the kernel's. Thread-safe (stateless).
 */
public final class Errno {

    /** Operation not permitted (also: io_uring disabled by sysctl or seccomp). */
    public static final int EPERM = 1;
    /** No such file or directory; for ASYNC_CANCEL: no matching request. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call (a signal interrupted a waiting io_uring_enter; retry). */
    public static final int EINTR = 4;
    /** I/O error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again (EWOULDBLOCK); from io_uring_enter: no room to post completions. */
    public static final int EAGAIN = 11;
    /** Out of memory; from io_uring_setup/register: usually RLIMIT_MEMLOCK. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy; from io_uring_enter: CQ overflow must be reaped first. */
    public static final int EBUSY = 16;
    /** Exists; from a SINGLE_ISSUER ring: called from a task that is not the issuer. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files in this process (RLIMIT_NOFILE). */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl. */
    public static final int ENOTTY = 25;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Broken pipe (peer closed; use MSG_NOSIGNAL to avoid SIGPIPE). */
    public static final int EPIPE = 32;
    /** Result out of range. */
    public static final int ERANGE = 34;
    /** Function not implemented (kernel without io_uring, or a sandbox hiding it). */
    public static final int ENOSYS = 38;
    /** Invalid request descriptor; from io_uring_enter: CQEs were dropped. */
    public static final int EBADR = 53;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired (EXT_ARG or IORING_OP_TIMEOUT). */
    public static final int ETIME = 62;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** File descriptor in bad state; from io_uring_enter: the ring is still R_DISABLED. */
    public static final int EBADFD = 77;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Operation not supported on transport endpoint (ENOTSUP). */
    public static final int EOPNOTSUPP = 95;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available; for buffer-select ops: the provided-buffer ring is empty. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** Host is down. */
    public static final int EHOSTDOWN = 112;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress; for ASYNC_CANCEL: the target was already running. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Operation canceled (the final CQE of a cancelled request). */
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /**
     * Returns the symbolic name of an errno value, e.g. {@code "ECONNRESET"}.
     *
     * @param errno the errno, positive or negated (as in a CQE {@code res})
     * @return the kernel name, or {@code "errno N"} (N positive) for a value not in this table
     */
    public static String name(int errno) {
        int e = errno < 0 ? -errno : errno;
        return switch (e) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOTTY -> "ENOTTY";
            case ENOSPC -> "ENOSPC";
            case ESPIPE -> "ESPIPE";
            case EPIPE -> "EPIPE";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case EBADR -> "EBADR";
            case ENODATA -> "ENODATA";
            case ETIME -> "ETIME";
            case EPROTO -> "EPROTO";
            case EOVERFLOW -> "EOVERFLOW";
            case EBADFD -> "EBADFD";
            case ENOTSOCK -> "ENOTSOCK";
            case EDESTADDRREQ -> "EDESTADDRREQ";
            case EMSGSIZE -> "EMSGSIZE";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENETUNREACH -> "ENETUNREACH";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case EISCONN -> "EISCONN";
            case ENOTCONN -> "ENOTCONN";
            case ESHUTDOWN -> "ESHUTDOWN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTDOWN -> "EHOSTDOWN";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + e;
        };
    }
}
