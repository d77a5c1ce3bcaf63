package io.ringbolt.uring;

import static io.ringbolt.uring.IoUring.IORING_ENTER_EXT_ARG;
import static io.ringbolt.uring.IoUring.IORING_ENTER_GETEVENTS;
import static io.ringbolt.uring.IoUring.IORING_ENTER_REGISTERED_RING;
import static io.ringbolt.uring.IoUring.IORING_FEAT_SINGLE_MMAP;
import static io.ringbolt.uring.IoUring.IORING_OP_MSG_RING;
import static io.ringbolt.uring.IoUring.IORING_REGISTER_ENABLE_RINGS;
import static io.ringbolt.uring.IoUring.IORING_REGISTER_RING_FDS;
import static io.ringbolt.uring.IoUring.IORING_REGISTER_SEND_MSG_RING;
import static io.ringbolt.uring.IoUring.IORING_UNREGISTER_RING_FDS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One io_uring instance: the ring fd, the mmapped SQ ring, CQ ring and SQE array, and the
 * io_uring_enter/io_uring_register entry points.
 *
 * <p>Threading: <b>ring owner thread only</b> (not thread-safe). With
 * {@link IoUring#IORING_SETUP_SINGLE_ISSUER} the owner is the creating thread, or the thread
 * that calls {@link #enableRings()} on a ring created with
 * {@link IoUring#IORING_SETUP_R_DISABLED}; other threads get {@code -EEXIST}. The owner must
 * be a platform thread. Only {@link #sendMsgRing} may be called from any thread.
 *
 * <p>Errors: {@link #create} throws {@link IoUringException}; every other call returns a
 * negated errno. Accessing the queues after {@link #close()} throws
 * {@link IllegalStateException} (the mappings are scoped to an arena closed by close).
 */
public final class Ring implements AutoCloseable {

    private static final int UNSUPPORTED_SETUP_FLAGS = IoUring.IORING_SETUP_SQPOLL | IoUring.IORING_SETUP_NO_MMAP
            | IoUring.IORING_SETUP_REGISTERED_FD_ONLY | IoUring.IORING_SETUP_CQE_MIXED
            | IoUring.IORING_SETUP_SQE_MIXED;

    private final Arena arena;
    private final MemorySegment captureState;
    private final MemorySegment registerScratch;
    private final MemorySegment eventsArg;
    private final MemorySegment timespec;
    private final long eventsArgAddress;
    private final long timespecAddress;
    private final int fd;
    private final int sqEntries;
    private final int cqEntries;
    private final int features;
    private final int setupFlags;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;

    private int enterFd;
    private int enterFlags;
    private int registeredIndex = -1;
    private boolean closed;

    /**
     * Creates a ring: io_uring_setup, then mmap of the SQ ring, CQ ring (one mapping with
     * FEAT_SINGLE_MMAP) and SQE array with MAP_SHARED|MAP_POPULATE.
     *
     * <p>Adds {@link IoUring#IORING_SETUP_CLAMP}, and {@link IoUring#IORING_SETUP_CQSIZE} when
     * {@code cqEntries > 0}. Tries {@link IoUring#IORING_SETUP_NO_SQARRAY} first and retries
     * without it on {@code -EINVAL} (then fills the SQ index array with the identity). On any
     * failure everything acquired is released before the exception propagates.
     *
     * <p>Threading: any thread; with SINGLE_ISSUER the creating thread becomes the owner unless
     * R_DISABLED is set.
     *
     * @param sqEntries  SQ size (rounded up to a power of 2 by the kernel, clamped to 32768)
     * @param cqEntries  CQ size, ≥ sqEntries; 0 or negative for the kernel default (2 × SQ)
     * @param setupFlags IORING_SETUP_* flags; SQPOLL, NO_MMAP, REGISTERED_FD_ONLY, CQE_MIXED and
     *                   SQE_MIXED are not supported
     * @return the ring
     * @throws IoUringException         when setup or mmap fails; the hint names the likely cause
     *                                  (sysctl/seccomp for EPERM, RLIMIT_MEMLOCK for ENOMEM, ...)
     * @throws IllegalArgumentException for unsupported setup flags
     */
    public static Ring create(int sqEntries, int cqEntries, int setupFlags) {
        return create(sqEntries, cqEntries, setupFlags, true);
    }

    /**
     * {@link #create(int, int, int)} with control over the NO_SQARRAY attempt; tests use
     * {@code tryNoSqArray = false} to cover the index-array layout of pre-6.6 kernels.
     */
    static Ring create(int sqEntries, int cqEntries, int setupFlags, boolean tryNoSqArray) {
        if ((setupFlags & UNSUPPORTED_SETUP_FLAGS) != 0) {
            throw new IllegalArgumentException("setupFlags=0x" + Integer.toHexString(setupFlags)
                    + ": SQPOLL, NO_MMAP, REGISTERED_FD_ONLY, CQE_MIXED and SQE_MIXED are not supported by Ring");
        }
        int flags = setupFlags | IoUring.IORING_SETUP_CLAMP | (cqEntries > 0 ? IoUring.IORING_SETUP_CQSIZE : 0);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment captureState = arena.allocate(Syscalls.CAPTURE_LAYOUT);
            MemorySegment params = arena.allocate(ParamsLayout.SIZE, 8);
            int usedFlags = flags;
            int fd;
            if (tryNoSqArray && (flags & IoUring.IORING_SETUP_NO_SQARRAY) == 0) {
                usedFlags = flags | IoUring.IORING_SETUP_NO_SQARRAY;
                fd = setup(captureState, params, sqEntries, cqEntries, usedFlags);
                if (fd == -Errno.EINVAL) {
                    usedFlags = flags;
                    fd = setup(captureState, params, sqEntries, cqEntries, usedFlags);
                }
            } else {
                fd = setup(captureState, params, sqEntries, cqEntries, usedFlags);
            }
            if (fd < 0) {
                throw new IoUringException("io_uring_setup", -fd,
                        IoUringProbe.setupHint(-fd, sqEntries, cqEntries, usedFlags));
            }
            try {
                return new Ring(arena, captureState, params, fd, usedFlags);
            } catch (RuntimeException | Error e) {
                Syscalls.close(captureState, fd);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static int setup(MemorySegment captureState, MemorySegment params, int sqEntries, int cqEntries,
                             int flags) {
        params.fill((byte) 0);
        params.set(JAVA_INT, ParamsLayout.FLAGS_OFFSET, flags);
        params.set(JAVA_INT, ParamsLayout.CQ_ENTRIES_OFFSET, Math.max(cqEntries, 0));
        return Syscalls.ioUringSetup(captureState, sqEntries, params.address());
    }

    private Ring(Arena arena, MemorySegment captureState, MemorySegment params, int fd, int setupFlags) {
        this.arena = arena;
        this.captureState = captureState;
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.sqEntries = params.get(JAVA_INT, ParamsLayout.SQ_ENTRIES_OFFSET);
        this.cqEntries = params.get(JAVA_INT, ParamsLayout.CQ_ENTRIES_OFFSET);
        this.features = params.get(JAVA_INT, ParamsLayout.FEATURES_OFFSET);
        boolean noSqArray = (setupFlags & IoUring.IORING_SETUP_NO_SQARRAY) != 0;
        int sqeShift = (setupFlags & IoUring.IORING_SETUP_SQE128) != 0 ? SqeLayout.SIZE_SHIFT + 1 : SqeLayout.SIZE_SHIFT;
        int cqeShift = (setupFlags & IoUring.IORING_SETUP_CQE32) != 0 ? CqeLayout.SIZE_SHIFT_CQE32 : CqeLayout.SIZE_SHIFT;

        long sqArrayOffset = u32(params, ParamsLayout.SQ_OFF_ARRAY);
        long sqRingLength = noSqArray
                ? Math.max(u32(params, ParamsLayout.SQ_OFF_FLAGS), u32(params, ParamsLayout.SQ_OFF_DROPPED)) + 4
                : sqArrayOffset + (long) sqEntries * Integer.BYTES;
        long cqRingLength = u32(params, ParamsLayout.CQ_OFF_CQES) + ((long) cqEntries << cqeShift);
        MemorySegment sqRing;
        MemorySegment cqRing;
        if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
            sqRing = map(arena, captureState, fd, Math.max(sqRingLength, cqRingLength), IoUring.IORING_OFF_SQ_RING);
            cqRing = sqRing;
        } else {
            sqRing = map(arena, captureState, fd, sqRingLength, IoUring.IORING_OFF_SQ_RING);
            cqRing = map(arena, captureState, fd, cqRingLength, IoUring.IORING_OFF_CQ_RING);
        }
        MemorySegment sqes = map(arena, captureState, fd, (long) sqEntries << sqeShift, IoUring.IORING_OFF_SQES);
        if (!noSqArray) {
            // Identity index array, written once: SQE slot i is always array entry i (liburing does the same).
            for (int i = 0; i < sqEntries; i++) {
                sqRing.set(JAVA_INT, sqArrayOffset + (long) i * Integer.BYTES, i);
            }
        }

        this.registerScratch = arena.allocate(64, 64);
        this.eventsArg = arena.allocate(ArgLayout.GETEVENTS_ARG_SIZE, 8);
        this.timespec = arena.allocate(ArgLayout.TIMESPEC_SIZE, 8);
        this.eventsArgAddress = eventsArg.address();
        this.timespecAddress = timespec.address();
        eventsArg.set(JAVA_INT, ArgLayout.GETEVENTS_SIGMASK_SZ_OFFSET, ArgLayout.SIGSET_SIZE);
        this.enterFd = fd;

        this.sq = new SubmissionQueue(this, sqRing, sqes, sqEntries, sqeShift,
                u32(params, ParamsLayout.SQ_OFF_HEAD), u32(params, ParamsLayout.SQ_OFF_TAIL));
        this.cq = new CompletionQueue(cqRing, cqEntries, cqeShift,
                u32(params, ParamsLayout.CQ_OFF_HEAD), u32(params, ParamsLayout.CQ_OFF_TAIL),
                u32(params, ParamsLayout.CQ_OFF_CQES), u32(params, ParamsLayout.CQ_OFF_OVERFLOW),
                sqRing, u32(params, ParamsLayout.SQ_OFF_FLAGS));
    }

    @SuppressWarnings("restricted")
    private static MemorySegment map(Arena arena, MemorySegment captureState, int fd, long length, long offset) {
        long address = Syscalls.mmap(captureState, length, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_SHARED | Syscalls.MAP_POPULATE, fd, offset);
        if (address < 0) {
            throw new IoUringException("mmap", (int) -address, "mapping io_uring region offset=0x"
                    + Long.toHexString(offset) + " length=" + length + " of ring fd=" + fd);
        }
        // RESTRICTED: the kernel just mapped exactly `length` bytes at `address` (sizes computed from
        // the offsets io_uring_setup returned); the segment is scoped to the ring's arena, whose close
        // runs the munmap, so no access through this segment can outlive the mapping.
        return MemorySegment.ofAddress(address).reinterpret(length, arena, s -> Syscalls.munmap(address, length));
    }

    private static long u32(MemorySegment params, long offset) {
        return Integer.toUnsignedLong(params.get(JAVA_INT, offset));
    }

    /**
     * Returns the ring fd (also when a registered index is used for enter).
     *
     * @return the ring file descriptor
     */
    public int fd() {
        return fd;
    }

    /**
     * Returns the SQ size the kernel chose.
     *
     * @return SQ entries (power of 2)
     */
    public int sqEntries() {
        return sqEntries;
    }

    /**
     * Returns the CQ size the kernel chose.
     *
     * @return CQ entries (power of 2)
     */
    public int cqEntries() {
        return cqEntries;
    }

    /**
     * Returns the IORING_FEAT_* bits the kernel reported.
     *
     * @return the feature mask
     */
    public int features() {
        return features;
    }

    /**
     * Returns the setup flags actually used, including the added CLAMP/CQSIZE and NO_SQARRAY
     * when the kernel accepted it.
     *
     * @return the IORING_SETUP_* mask
     */
    public int setupFlags() {
        return setupFlags;
    }

    /**
     * Tells whether the kernel reported a feature.
     *
     * @param featBit an IORING_FEAT_* bit (or mask: all bits must be present)
     * @return true when present
     */
    public boolean hasFeature(int featBit) {
        return (features & featBit) == featBit;
    }

    /**
     * Returns the submission queue. Owner thread only.
     *
     * @return the SQ of this ring
     */
    public SubmissionQueue sq() {
        return sq;
    }

    /**
     * Returns the completion queue. Owner thread only.
     *
     * @return the CQ of this ring
     */
    public CompletionQueue cq() {
        return cq;
    }

    /**
     * Enables a ring created with {@link IoUring#IORING_SETUP_R_DISABLED}; with SINGLE_ISSUER the
     * calling thread becomes the owner. Call it on the future owner thread.
     *
     * @return 0, or -errno ({@code -EBADFD} when the ring is not disabled)
     */
    public int enableRings() {
        return register(IORING_REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0);
    }

    /**
     * Registers the ring fd with the calling task (IORING_REGISTER_RING_FDS, offset -1) so later
     * enters pass the index with {@link IoUring#IORING_ENTER_REGISTERED_RING} (saves an fget/fput,
     * ~10 ns per enter). The index is per task: call it on the owner thread, which must also be
     * the one that closes the ring. Idempotent.
     *
     * @return 0, or -errno (the ring keeps using the plain fd)
     */
    public int registerRingFd() {
        if (registeredIndex >= 0) {
            return 0;
        }
        writeRsrcUpdate(-1, fd);
        int r = register(IORING_REGISTER_RING_FDS, registerScratch, 1);
        if (r < 0) {
            return r;
        }
        if (r != 1) {
            return -Errno.EINVAL;
        }
        registeredIndex = registerScratch.get(JAVA_INT, ArgLayout.RSRC_UPDATE_OFFSET_OFFSET);
        enterFd = registeredIndex;
        enterFlags = IORING_ENTER_REGISTERED_RING;
        return 0;
    }

    private void writeRsrcUpdate(int offset, long data) {
        registerScratch.asSlice(0, ArgLayout.RSRC_UPDATE_SIZE).fill((byte) 0);
        registerScratch.set(JAVA_INT, ArgLayout.RSRC_UPDATE_OFFSET_OFFSET, offset);
        registerScratch.set(JAVA_LONG, ArgLayout.RSRC_UPDATE_DATA_OFFSET, data);
    }

    /**
     * Returns the registered-ring index, or -1 when {@link #registerRingFd()} did not succeed.
     *
     * @return the index or -1
     */
    public int registeredRingIndex() {
        return registeredIndex;
    }

    /**
     * Submits the prepared SQEs: publishes the SQ tail, then {@code io_uring_enter(toSubmit, 0, 0)}.
     * Makes no syscall when nothing is pending. With DEFER_TASKRUN this does not post completions
     * (use {@link #submitAndWait}).
     *
     * @return the number of SQEs the kernel consumed, or -errno ({@code -EBUSY}/{@code -EAGAIN}:
     *     reap, then retry; {@code -EINTR}: retry)
     */
    public int submit() {
        int toSubmit = sq.publishTail();
        if (toSubmit == 0) {
            return 0;
        }
        return Syscalls.ioUringEnter(captureState, enterFd, toSubmit, 0, enterFlags, 0L, ArgLayout.SIGSET_SIZE);
    }

    /**
     * Submits the prepared SQEs and waits for {@code minComplete} CQEs or the timeout:
     * {@code io_uring_enter(toSubmit, minComplete, GETEVENTS|EXT_ARG, getevents_arg, 24)}.
     * Reuses one preallocated getevents_arg and timespec (no allocation). Needs
     * IORING_FEAT_EXT_ARG (5.11).
     *
     * @param minComplete  completions to wait for (0: just submit and flush task work/overflow)
     * @param timeoutNanos relative timeout; negative waits without limit, 0 polls
     * @return the number of SQEs the kernel consumed, or -errno: {@code -ETIME} on timeout (only
     *     when nothing was submitted; otherwise the count is returned after the timeout),
     *     {@code -EINTR} (signal; retry; a signal that ends the wait itself is reported as
     *     {@code -ETIME}, since errno is read only on the failure path), {@code -EBUSY}/{@code -EAGAIN} (reap, retry),
     *     {@code -EBADR} (CQEs were dropped), {@code -EEXIST} (not the issuer thread)
     */
    public int submitAndWait(int minComplete, long timeoutNanos) {
        int toSubmit = sq.publishTail();
        long tsAddress = 0L;
        if (timeoutNanos >= 0) {
            timespec.set(JAVA_LONG, ArgLayout.TIMESPEC_SEC_OFFSET, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, ArgLayout.TIMESPEC_NSEC_OFFSET, timeoutNanos % 1_000_000_000L);
            tsAddress = timespecAddress;
        }
        eventsArg.set(JAVA_LONG, ArgLayout.GETEVENTS_TS_OFFSET, tsAddress);
        return Syscalls.ioUringEnter(captureState, enterFd, toSubmit, minComplete,
                enterFlags | IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                eventsArgAddress, ArgLayout.GETEVENTS_ARG_SIZE);
    }

    /**
     * io_uring_register on this ring's fd.
     *
     * @param opcode an IORING_REGISTER_* opcode
     * @param arg    native argument memory, or {@link MemorySegment#NULL}; must stay valid for the
     *               call only (the kernel copies it), except where the opcode says otherwise
     * @param nrArgs the opcode's nr_args
     * @return 0 or a non-negative opcode-specific value, or -errno
     * @throws IllegalArgumentException when {@code arg} is a heap segment
     */
    public int register(int opcode, MemorySegment arg, int nrArgs) {
        if (!arg.isNative()) {
            throw new IllegalArgumentException("arg: heap segments cannot be passed to io_uring_register");
        }
        return Syscalls.ioUringRegister(captureState, fd, opcode, arg.address(), nrArgs);
    }

    /**
     * Posts a CQE {@code (targetUserData, res, flags=0)} to another ring without owning a ring:
     * {@code io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, MSG_RING/MSG_DATA sqe, 1)}.
     * The cross-thread wakeup with nothing to re-arm (Linux 6.13+).
     *
     * <p>Threading: any thread.
     *
     * @param targetRingFd   the target ring's fd
     * @param res            the target cqe.res
     * @param targetUserData the target cqe.user_data
     * @param msgRingFlags   IORING_MSG_RING_* flags (usually 0)
     * @return 0 or -errno ({@code -EINVAL} on kernels before 6.13)
     */
    public static int sendMsgRing(int targetRingFd, int res, long targetUserData, int msgRingFlags) {
        Syscalls.ThreadScratch scratch = Syscalls.threadScratch();
        MemorySegment sqe = scratch.data;
        for (long off = 0; off < SqeLayout.SIZE; off += Long.BYTES) {
            sqe.set(JAVA_LONG, off, 0L);
        }
        sqe.set(JAVA_BYTE, SqeLayout.OPCODE_OFFSET, (byte) IORING_OP_MSG_RING);
        sqe.set(JAVA_INT, SqeLayout.FD_OFFSET, targetRingFd);
        sqe.set(JAVA_LONG, SqeLayout.ADDR_OFFSET, IoUring.IORING_MSG_DATA);
        sqe.set(JAVA_INT, SqeLayout.LEN_OFFSET, res);
        sqe.set(JAVA_LONG, SqeLayout.OFF_OFFSET, targetUserData);
        sqe.set(JAVA_INT, SqeLayout.OP_FLAGS_OFFSET, msgRingFlags);
        return Syscalls.ioUringRegister(scratch.capture, -1, IORING_REGISTER_SEND_MSG_RING, sqe.address(), 1);
    }

    /**
     * Returns 64 bytes of register-argument scratch owned by this ring (owner thread only).
     *
     * @return the scratch segment
     */
    MemorySegment registerScratch() {
        return registerScratch;
    }

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true after close
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Releases the ring: unregisters the registered ring fd (if any, so the task's reference
     * does not keep the ring alive), closes the fd and unmaps the rings. Idempotent. Owner thread
     * only. Unregister buffer rings first if their memory is freed right after.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registeredIndex >= 0) {
            writeRsrcUpdate(registeredIndex, 0);
            // A failure here only means the index is already gone (e.g. called on another task).
            register(IORING_UNREGISTER_RING_FDS, registerScratch, 1);
            registeredIndex = -1;
        }
        Syscalls.close(captureState, fd);
        arena.close();
    }

    /**
     * Describes the ring for logs and test failures: fd, entries, heads, tails, flags.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        if (closed) {
            return "Ring[fd=" + fd + ", closed]";
        }
        return "Ring[fd=" + fd + ", sq=" + sqEntries + " " + sq.describe() + ", cq=" + cqEntries + " "
                + cq.describe() + ", setupFlags=0x" + Integer.toHexString(setupFlags)
                + ", features=0x" + Integer.toHexString(features)
                + (registeredIndex >= 0 ? ", registeredIndex=" + registeredIndex : "") + "]";
    }
}
