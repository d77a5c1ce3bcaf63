package io.ringbolt.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this machine's io_uring can do, probed once: creates an 8-entry
 * SINGLE_ISSUER|DEFER_TASKRUN ring (the engine's floor, Linux 6.1), asks IORING_REGISTER_PROBE
 * for the supported ops, and tries the optional features (provided-buffer rings, incremental
 * buffers, registered ring fd, ring-less MSG_RING). Also the RLIMIT_MEMLOCK budget helpers.
 *
 * <p>Threading: any thread; instances are immutable. {@link #get()} never throws.
 */
public final class IoUringProbe {

    private static final String DISABLED_SYSCTL = "/proc/sys/kernel/io_uring_disabled";
    private static final int CAP_IPC_LOCK = 14;

    private static final class Holder {
        static final IoUringProbe INSTANCE = run();
    }

    private final String cause;
    private final String kernelVersion;
    private final int features;
    private final int setupFlags;
    private final long[] supportedOps;
    private final boolean pbufRing;
    private final boolean pbufRingInc;
    private final boolean registeredRingFd;
    private final boolean sendMsgRing;

    private IoUringProbe(String cause, String kernelVersion, int features, int setupFlags, long[] supportedOps,
                         boolean pbufRing, boolean pbufRingInc, boolean registeredRingFd, boolean sendMsgRing) {
        this.cause = cause;
        this.kernelVersion = kernelVersion;
        this.features = features;
        this.setupFlags = setupFlags;
        this.supportedOps = supportedOps;
        this.pbufRing = pbufRing;
        this.pbufRingInc = pbufRingInc;
        this.registeredRingFd = registeredRingFd;
        this.sendMsgRing = sendMsgRing;
    }

    /**
     * Returns the probe result, running the probe on first use (a few syscalls) and caching it.
     * Never throws: failures become {@link #unavailabilityCause()}.
     *
     * @return the cached probe
     */
    public static IoUringProbe get() {
        return Holder.INSTANCE;
    }

    private static IoUringProbe run() {
        String kernel = readTrimmed("/proc/sys/kernel/osrelease", "unknown");
        Ring ring;
        try {
            ring = Ring.create(8, 0, IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN);
        } catch (IoUringException e) {
            return unavailable(kernel, causeFor(e, kernel));
        } catch (RuntimeException | LinkageError e) {
            return unavailable(kernel, "FFM downcalls failed (" + e + "); run the JVM with"
                    + " --enable-native-access=ALL-UNNAMED (or the application's module name)");
        }
        try (ring) {
            long[] ops = probeOps(ring);
            boolean registered = ring.registerRingFd() == 0;
            boolean pbuf = tryBufferRing(ring, 0, 0);
            boolean inc = pbuf && tryBufferRing(ring, 1, IoUring.IOU_PBUF_RING_INC);
            boolean msgRing = Ring.sendMsgRing(ring.fd(), 0, 0L, 0) == 0;
            return new IoUringProbe(null, kernel, ring.features(), ring.setupFlags(), ops, pbuf, inc, registered,
                    msgRing);
        } catch (RuntimeException | LinkageError e) {
            return unavailable(kernel, "probing the io_uring ring failed: " + e);
        }
    }

    private static IoUringProbe unavailable(String kernel, String cause) {
        return new IoUringProbe(cause, kernel, 0, 0, new long[4], false, false, false, false);
    }

    private static long[] probeOps(Ring ring) {
        long[] ops = new long[4];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(ArgLayout.PROBE_SIZE, 8);
            if (ring.register(IoUring.IORING_REGISTER_PROBE, probe, ArgLayout.PROBE_OPS) < 0) {
                return ops;
            }
            int opsLength = probe.get(JAVA_BYTE, ArgLayout.PROBE_OPS_LEN_OFFSET) & 0xFF;
            for (int i = 0; i < opsLength; i++) {
                long entry = ArgLayout.PROBE_HEADER_SIZE + i * ArgLayout.PROBE_OP_SIZE;
                int op = probe.get(JAVA_BYTE, entry + ArgLayout.PROBE_OP_OP_OFFSET) & 0xFF;
                int flags = probe.get(JAVA_SHORT, entry + ArgLayout.PROBE_OP_FLAGS_OFFSET);
                if ((flags & ArgLayout.IO_URING_OP_SUPPORTED) != 0) {
                    ops[op >>> 6] |= 1L << (op & 63);
                }
            }
        }
        return ops;
    }

    private static boolean tryBufferRing(Ring ring, int bgid, int ringFlags) {
        int entries = 8;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ringMemory = arena.allocate((long) entries * BufRingLayout.ENTRY_SIZE, Syscalls.PAGE_SIZE);
            MemorySegment buffers = arena.allocate(entries * 64L, 64);
            // Closed (unregistered) before the arena frees the memory.
            try (BufferRing bufferRing = BufferRing.register(ring, bgid, entries, 64, ringMemory, buffers, ringFlags)) {
                return bufferRing.kernelOwned() == entries;
            } catch (IoUringException e) {
                return false;
            }
        }
    }

    /**
     * Tells whether io_uring can be used by the engine here.
     *
     * @return true when the probe ring was created
     */
    public boolean isAvailable() {
        return cause == null;
    }

    /**
     * Explains why io_uring is unavailable and how to fix it (sysctl, seccomp, memlock, kernel,
     * native access).
     *
     * @return the cause, or null when available
     */
    public String unavailabilityCause() {
        return cause;
    }

    /**
     * Returns the running kernel's release string (/proc/sys/kernel/osrelease).
     *
     * @return e.g. "6.18.44", or "unknown"
     */
    public String kernelVersion() {
        return kernelVersion;
    }

    /**
     * Tells whether the kernel release is at least {@code major.minor}.
     *
     * @param major major version
     * @param minor minor version
     * @return true when the release parses and is not older
     */
    public boolean kernelAtLeast(int major, int minor) {
        String[] parts = kernelVersion.split("[.-]", 3);
        try {
            int kMajor = Integer.parseInt(parts[0]);
            int kMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return kMajor > major || (kMajor == major && kMinor >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Returns the IORING_FEAT_* bits of the probe ring.
     *
     * @return the feature mask, 0 when unavailable
     */
    public int features() {
        return features;
    }

    /**
     * Tells whether a feature bit (or all bits of a mask) was reported.
     *
     * @param featBit IORING_FEAT_* bit(s)
     * @return true when present
     */
    public boolean hasFeature(int featBit) {
        return isAvailable() && (features & featBit) == featBit;
    }

    /**
     * Tells whether REGISTER_PROBE reported an opcode as supported.
     *
     * @param op an IORING_OP_* value
     * @return true when supported
     */
    public boolean isOpSupported(int op) {
        return op >= 0 && op < 256 && (supportedOps[op >>> 6] & (1L << (op & 63))) != 0;
    }

    /**
     * Multishot accept (5.19; IORING_OP_SOCKET, also 5.19, serves as the witness).
     *
     * @return true when supported
     */
    public boolean supportsMultishotAccept() {
        return isOpSupported(IoUring.IORING_OP_ACCEPT) && isOpSupported(IoUring.IORING_OP_SOCKET);
    }

    /**
     * Multishot recv over provided buffers (6.0; IORING_OP_SEND_ZC, also 6.0, is the witness).
     *
     * @return true when supported
     */
    public boolean supportsMultishotRecv() {
        return pbufRing && isOpSupported(IoUring.IORING_OP_RECV) && isOpSupported(IoUring.IORING_OP_SEND_ZC);
    }

    /**
     * Provided-buffer rings (IORING_REGISTER_PBUF_RING, 5.19), verified by registering one.
     *
     * @return true when supported
     */
    public boolean supportsBufferRing() {
        return pbufRing;
    }

    /**
     * Incremental buffer consumption (IOU_PBUF_RING_INC, 6.12), verified by registering one.
     *
     * @return true when supported
     */
    public boolean supportsIncrementalBuffers() {
        return pbufRingInc;
    }

    /**
     * send/recv bundles (IORING_FEAT_RECVSEND_BUNDLE, 6.10).
     *
     * @return true when supported
     */
    public boolean supportsBundle() {
        return hasFeature(IoUring.IORING_FEAT_RECVSEND_BUNDLE);
    }

    /**
     * IORING_OP_SEND_ZC (6.0).
     *
     * @return true when supported
     */
    public boolean supportsSendZc() {
        return isOpSupported(IoUring.IORING_OP_SEND_ZC);
    }

    /**
     * Registered ring fds (IORING_REGISTER_RING_FDS, 5.18), verified.
     *
     * @return true when supported
     */
    public boolean supportsRegisteredRingFd() {
        return registeredRingFd;
    }

    /**
     * Ring-less MSG_RING ({@link Ring#sendMsgRing}, IORING_REGISTER_SEND_MSG_RING, 6.13), verified.
     *
     * @return true when supported
     */
    public boolean supportsSendMsgRing() {
        return sendMsgRing;
    }

    /**
     * IORING_SETUP_NO_SQARRAY (6.6), as accepted for the probe ring.
     *
     * @return true when supported
     */
    public boolean supportsNoSqArray() {
        return (setupFlags & IoUring.IORING_SETUP_NO_SQARRAY) != 0;
    }

    /**
     * A one-line summary for the startup log.
     *
     * @return e.g. "kernel 6.18.44, features 0x3ffff, multishot accept+recv, provided-buffer ring,
     *     send_zc, bundle, incremental buffers", or "io_uring unavailable: cause"
     */
    public String featureSummary() {
        if (!isAvailable()) {
            return "io_uring unavailable on kernel " + kernelVersion + ": " + cause;
        }
        return featureWords(", features 0x" + Integer.toHexString(features));
    }

    /**
     * The kernel version and the optional io_uring features present, in words (multishot
     * accept+recv, provided-buffer ring, send_zc, ...), without the raw feature mask: the
     * start-up line's form of {@link #featureSummary()}.
     *
     * @return the features in words
     */
    public String featureDescription() {
        if (!isAvailable()) {
            return "io_uring unavailable on kernel " + kernelVersion + ": " + cause;
        }
        return featureWords(":");
    }

    private String featureWords(String afterKernel) {
        StringBuilder sb = new StringBuilder("kernel ").append(kernelVersion).append(afterKernel);
        int plain = sb.length();
        if (supportsMultishotAccept() && supportsMultishotRecv()) {
            sb.append(", multishot accept+recv");
        } else if (supportsMultishotAccept()) {
            sb.append(", multishot accept");
        }
        appendIf(sb, pbufRing, "provided-buffer ring");
        appendIf(sb, supportsSendZc(), "send_zc");
        appendIf(sb, supportsBundle(), "bundle");
        appendIf(sb, pbufRingInc, "incremental buffers");
        appendIf(sb, registeredRingFd, "registered ring fd");
        appendIf(sb, sendMsgRing, "msg_ring");
        appendIf(sb, supportsNoSqArray(), "no SQ array");
        if (afterKernel.equals(":") && sb.length() > plain) {
            sb.deleteCharAt(plain); // "kernel 6.8:, multishot" -> "kernel 6.8: multishot"
        }
        return sb.toString();
    }

    private static void appendIf(StringBuilder sb, boolean condition, String name) {
        if (condition) {
            sb.append(", ").append(name);
        }
    }

    /**
     * Returns the RLIMIT_MEMLOCK budget io_uring is charged against: {@link Long#MAX_VALUE} when
     * the process holds CAP_IPC_LOCK (root normally does; the kernel then skips the charge) or the
     * limit is unlimited, else the soft limit in bytes.
     *
     * @return the budget in bytes
     */
    public static long memlockLimitBytes() {
        if (hasIpcLock()) {
            return Long.MAX_VALUE;
        }
        long limit = LinuxSocket.getrlimitSoft(IoUring.RLIMIT_MEMLOCK);
        return limit < 0 ? 0 : limit;
    }

    private static boolean hasIpcLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_IPC_LOCK)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No readable capability set: fall back to the uid, as root normally holds CAP_IPC_LOCK.
        }
        return LinuxSocket.geteuid() == 0;
    }

    /**
     * Estimates the memory one ring is charged: SQE array ({@code sq*64}) plus the rings
     * ({@code cq*16 + sq*4} and a header), each rounded up to pages; entries are rounded up to
     * powers of 2 as the kernel does (CQ defaults to 2×SQ).
     *
     * @param sqEntries requested SQ entries
     * @param cqEntries requested CQ entries, ≤ 0 for the default
     * @return the estimate in bytes
     */
    public static long estimateRingBytes(int sqEntries, int cqEntries) {
        long sq = roundUpPowerOf2(Math.min(Math.max(sqEntries, 1), 32768));
        long cq = cqEntries > 0 ? roundUpPowerOf2(Math.min(cqEntries, 65536)) : 2 * sq;
        long rings = 256 + cq * CqeLayout.SIZE + sq * Integer.BYTES;
        long sqes = sq * SqeLayout.SIZE;
        return pages(rings) + pages(sqes);
    }

    private static long roundUpPowerOf2(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    private static long pages(long bytes) {
        long page = Syscalls.PAGE_SIZE;
        return (bytes + page - 1) / page * page;
    }

    /**
     * Checks a memory budget against {@link #memlockLimitBytes()}.
     *
     * @param requiredBytes what the configured rings and buffer rings need
     * @return null when it fits, else a message naming the limit, the need and the fix
     */
    public static String checkMemlock(long requiredBytes) {
        long limit = memlockLimitBytes();
        if (requiredBytes <= limit) {
            return null;
        }
        return "RLIMIT_MEMLOCK is " + kib(limit) + " KiB but the configured rings and buffer rings need about "
                + kib(requiredBytes) + " KiB; raise it (ulimit -l, LimitMEMLOCK= in systemd) or lower"
                + " ring-entries/buffer-count";
    }

    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }

    /**
     * Builds the hint for an io_uring_setup failure.
     *
     * @return the hint, or null when there is nothing useful to say
     */
    static String setupHint(int errno, int sqEntries, int cqEntries, int setupFlags) {
        return switch (errno) {
            case Errno.EPERM -> "io_uring is disabled (sysctl kernel.io_uring_disabled="
                    + readTrimmed(DISABLED_SYSCTL, "unknown")
                    + ") or blocked by seccomp (containers' default profile)";
            case Errno.ENOMEM -> memlockHint(estimateRingBytes(sqEntries, cqEntries), "this ring");
            case Errno.ENOSYS -> "kernel without io_uring";
            case Errno.EINVAL -> sqEntries <= 0
                    ? "sqEntries=" + sqEntries + " must be at least 1 (setup flags 0x" + Integer.toHexString(setupFlags) + ")"
                    : cqEntries > 0 && cqEntries < sqEntries
                    ? "cqEntries=" + cqEntries + " must be at least sqEntries=" + sqEntries
                    : "setup flags 0x" + Integer.toHexString(setupFlags) + " not supported by this kernel";
            default -> null;
        };
    }

    /**
     * Builds the hint for an ENOMEM from setup or registration.
     *
     * @param requiredBytes the estimated charge of the failing object
     * @param what          "this ring", "this buffer ring"
     * @return the hint
     */
    static String memlockHint(long requiredBytes, String what) {
        long limit = LinuxSocket.getrlimitSoft(IoUring.RLIMIT_MEMLOCK);
        if (limit == Long.MAX_VALUE || hasIpcLock()) {
            return "out of memory allocating " + what + " (about " + kib(requiredBytes) + " KiB); RLIMIT_MEMLOCK is"
                    + " not the limit here (unlimited or CAP_IPC_LOCK)";
        }
        return "RLIMIT_MEMLOCK too low: limit " + kib(limit) + " KiB, " + what + " needs about " + kib(requiredBytes)
                + " KiB (the charge is summed over all rings and buffer rings of the user); raise `ulimit -l`"
                + " or run with CAP_IPC_LOCK";
    }

    private static String causeFor(IoUringException e, String kernel) {
        return switch (e.errno()) {
            case Errno.EPERM -> permissionCause();
            case Errno.ENOSYS -> "io_uring_setup returned ENOSYS: kernel " + kernel + " was built without"
                    + " CONFIG_IO_URING or a sandbox hides the syscall; use the NIO backend";
            case Errno.ENOMEM -> "io_uring_setup returned ENOMEM: "
                    + memlockHint(estimateRingBytes(8, 0), "an 8-entry ring");
            case Errno.EINVAL -> "kernel " + kernel + " rejected IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN;"
                    + " Linux 6.1 or newer is required";
            default -> e.getMessage();
        };
    }

    private static String permissionCause() {
        String disabled = readTrimmed(DISABLED_SYSCTL, null);
        if ("2".equals(disabled)) {
            return "io_uring_setup returned EPERM: sysctl kernel.io_uring_disabled=2 disables io_uring; set it to 0"
                    + " (sysctl -w kernel.io_uring_disabled=0)";
        }
        if ("1".equals(disabled)) {
            return "io_uring_setup returned EPERM: sysctl kernel.io_uring_disabled=1 restricts io_uring to"
                    + " CAP_SYS_ADMIN and members of kernel.io_uring_group; set it to 0 or add the user to that group";
        }
        return "io_uring_setup returned EPERM although kernel.io_uring_disabled=" + (disabled == null ? "(absent)" : disabled)
                + ": most likely a seccomp filter (Docker/containerd's default profile blocks io_uring);"
                + " allow io_uring_setup/io_uring_enter/io_uring_register in the seccomp profile";
    }

    private static String readTrimmed(String path, String fallback) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException | RuntimeException e) {
            // Absent on old kernels or without /proc: the caller's fallback says so.
            return fallback;
        }
    }

    /**
     * Describes the probe result.
     *
     * @return {@link #featureSummary()}
     */
    @Override
    public String toString() {
        return featureSummary();
    }
}
