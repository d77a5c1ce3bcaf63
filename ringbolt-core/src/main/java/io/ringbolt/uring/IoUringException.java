package io.ringbolt.uring;

/**
 * A failed io_uring setup, registration or mapping: carries the syscall, the errno and a hint
 * naming the likely cause (sysctl, seccomp, RLIMIT_MEMLOCK, kernel version).
 *
 * <p>Thrown only on setup paths; hot-path calls return negated errno values instead.
 * Immutable, thread-safe.
 */
public final class IoUringException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;
    private final String hint;

    /**
     * Creates the exception; the message reads
     * {@code "<syscall> failed: <ENAME> (<n>): <hint>"}.
     *
     * @param syscall the failing call, e.g. {@code "io_uring_setup"} or
     *                {@code "io_uring_register(IORING_REGISTER_PBUF_RING)"}
     * @param errno   the errno, positive or negated; stored positive
     * @param hint    the likely cause and fix, or {@code null}
     */
    public IoUringException(String syscall, int errno, String hint) {
        super(message(syscall, errno, hint));
        this.syscall = syscall;
        this.errno = errno < 0 ? -errno : errno;
        this.hint = hint;
    }

    /**
     * Returns the failing syscall as given to the constructor.
     *
     * @return the syscall name
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Returns the errno, always positive (compare with {@link Errno} constants).
     *
     * @return the positive errno
     */
    public int errno() {
        return errno;
    }

    /**
     * Returns the likely cause and fix.
     *
     * @return the hint, or {@code null} when none was given
     */
    public String hint() {
        return hint;
    }

    private static String message(String syscall, int errno, String hint) {
        int e = errno < 0 ? -errno : errno;
        String base = syscall + " failed: " + Errno.name(e) + " (" + e + ")";
        return hint == null ? base : base + ": " + hint;
    }
}
