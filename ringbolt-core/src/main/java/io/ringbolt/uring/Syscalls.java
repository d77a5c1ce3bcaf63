package io.ringbolt.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Raw native plumbing: the io_uring syscalls through glibc's variadic {@code syscall}, mmap,
 * munmap, close and the per-thread scratch memory for errno capture.
 *
 * <p>Every method returns the kernel convention: a non-negative result or a negated errno
 * (glibc's {@code -1}+errno is converted back; a raw {@code -1} never escapes, since it would
 * read as {@code -EPERM}). Methods taking a capture segment use it for errno; the caller must
 * be its only user at the time of the call.
 */
final class Syscalls {

    /** io_uring_setup(2) on every architecture except alpha and mips. */
    static final long NR_IO_URING_SETUP = 425;
    /** io_uring_enter(2). */
    static final long NR_IO_URING_ENTER = 426;
    /** io_uring_register(2). */
    static final long NR_IO_URING_REGISTER = 427;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 0x1;
    static final int MAP_POPULATE = 0x8000;

    private static final Linker LINKER = Linker.nativeLinker();

    /** The errno capture layout ({@code [i4(errno)]} on Linux). */
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));
    /** The linker option capturing errno; handles built with it take a leading capture segment. */
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /**
     * {@code long syscall(long nr, ...)} with six variadic longs: every argument is passed as a
     * C long (pointers as addresses), the C-promoted type the variadic ABI requires; the kernel
     * truncates each register to its declared type.
     */
    private static final MethodHandle SYSCALL6 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    /**
     * The same {@code syscall} without errno capture, for io_uring_enter on the hot path: a
     * capturing downcall allocates on every call (the JDK slices the capture segment in
     * {@code SharedUtils.checkCaptureSegment}, and C2 does not remove it here), which made the
     * reactor allocate once per loop iteration. Errno is recovered on the failure path only.
     */
    private static final MethodHandle SYSCALL6_NO_ERRNO = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    /** {@code void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)}; pointers as longs. */
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            CAPTURE_ERRNO);
    /** {@code int munmap(void *addr, size_t len)}; no errno capture: it runs in arena cleanup. */
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** {@code int close(int fd)}. */
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** {@code int getpagesize(void)}. */
    private static final MethodHandle GETPAGESIZE = downcall("getpagesize", FunctionDescriptor.of(JAVA_INT));

    /** The system page size (pbuf rings must be aligned to it). */
    static final long PAGE_SIZE = pageSize();

    private static final ThreadLocal<ThreadScratch> THREAD_SCRATCH = ThreadLocal.withInitial(ThreadScratch::new);

    private Syscalls() {
    }

    /**
     * Links a libc function. Restricted: the descriptor must match the C prototype.
     *
     * @param name    the libc symbol
     * @param fd      its C signature
     * @param options linker options
     * @return the downcall handle
     */
    @SuppressWarnings("restricted")
    static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        // RESTRICTED: each caller's descriptor mirrors the glibc prototype on LP64 (int = i4,
        // long/size_t/off_t/pointer = i8), so arguments and return are read at the right width.
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, options);
    }

    /**
     * Returns the calling thread's scratch memory. Users must not call each other while they
     * hold data in it (none of them calls back into Java).
     *
     * @return the scratch of the current thread
     */
    static ThreadScratch threadScratch() {
        return THREAD_SCRATCH.get();
    }

    /**
     * Reads the errno captured by the last downcall that used {@code captureState}.
     *
     * @param captureState the capture segment
     * @return the positive errno
     */
    static int errno(MemorySegment captureState) {
        return captureState.get(JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * io_uring_setup(entries, params).
     *
     * @return the ring fd or -errno
     */
    static int ioUringSetup(MemorySegment captureState, int entries, long paramsAddress) {
        return (int) syscall(captureState, NR_IO_URING_SETUP, entries & 0xFFFF_FFFFL, paramsAddress, 0, 0, 0, 0);
    }

    /**
     * io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize). Hot path: no allocation.
     *
     * @return the number of SQEs consumed or -errno
     */
    static int ioUringEnter(MemorySegment captureState, int fd, int toSubmit, int minComplete, int flags,
                            long argAddress, long argSize) {
        long r;
        try {
            r = (long) SYSCALL6_NO_ERRNO.invokeExact(NR_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, argAddress, argSize);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != -1) {
            return (int) r;
        }
        // Failure path. -1 means the kernel consumed no SQE, so repeating the call without
        // waiting is safe, and this time errno is captured. If the repeat succeeds, the first
        // call failed in its wait (timeout or signal), which callers treat alike: report -ETIME
        // unless the repeat submitted something, whose count is then the answer.
        int again = (int) syscall(captureState, NR_IO_URING_ENTER, fd, toSubmit, 0, flags, argAddress, argSize);
        if (again != 0) {
            return again;
        }
        return minComplete > 0 ? -Errno.ETIME : 0;
    }

    /**
     * io_uring_register(fd, opcode, arg, nrArgs).
     *
     * @return 0, an opcode-specific non-negative value, or -errno
     */
    static int ioUringRegister(MemorySegment captureState, int fd, int opcode, long argAddress, int nrArgs) {
        return (int) syscall(captureState, NR_IO_URING_REGISTER, fd, opcode, argAddress, nrArgs, 0, 0);
    }

    private static long syscall(MemorySegment captureState, long nr, long a, long b, long c, long d, long e,
                                long f) {
        try {
            long r = (long) SYSCALL6.invokeExact(captureState, nr, a, b, c, d, e, f);
            return r == -1 ? -errno(captureState) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * mmap(NULL, length, prot, flags, fd, offset).
     *
     * @return the mapping address, or -errno (user addresses are never negative)
     */
    static long mmap(MemorySegment captureState, long length, int prot, int flags, int fd, long offset) {
        try {
            long r = (long) MMAP.invokeExact(captureState, 0L, length, prot, flags, fd, offset);
            return r == -1 ? -errno(captureState) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * munmap(address, length); errors are ignored by design (a valid mapping cannot fail to unmap).
     */
    static void munmap(long address, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * close(fd).
     *
     * @return 0 or -errno
     */
    static int close(MemorySegment captureState, int fd) {
        try {
            int r = (int) CLOSE.invokeExact(captureState, fd);
            return r == -1 ? -errno(captureState) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Rethrows an unchecked throwable from a downcall; downcalls cannot throw checked exceptions.
     *
     * @param t what the invocation threw
     * @return never returns; declared so callers can write {@code throw rethrow(t)}
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("downcall threw a checked exception", t);
    }

    /**
     * Per-thread native scratch: an errno capture segment and a small data area for syscall
     * arguments (sockaddr, socklen_t, option values, a one-off SQE). Allocated once per thread
     * from an automatic arena; the kernel never keeps a pointer into it beyond one call.
     */
    static final class ThreadScratch {

        /** Bytes available in {@link #data}. */
        static final long DATA_SIZE = 448;

        /** Errno capture state for downcalls made by this thread. */
        final MemorySegment capture;
        /** Argument area, 64-byte aligned, {@link #DATA_SIZE} bytes. */
        final MemorySegment data;

        ThreadScratch() {
            MemorySegment all = Arena.ofAuto().allocate(64 + DATA_SIZE, 64);
            this.capture = all.asSlice(0, CAPTURE_LAYOUT.byteSize());
            this.data = all.asSlice(64, DATA_SIZE);
        }
    }
}
