package io.ringbolt.uring;

/**
 * Small argument structs of io_uring_enter and io_uring_register:
 * {@code struct io_uring_getevents_arg} (24), {@code struct __kernel_timespec} (16),
 * {@code struct io_uring_rsrc_update} (16) and {@code struct io_uring_probe} (16 + 8 per op).
 */
final class ArgLayout {

    /** sizeof(struct io_uring_getevents_arg); the argsz io_uring_enter requires with EXT_ARG. */
    static final long GETEVENTS_ARG_SIZE = 24;
    /** getevents_arg.sigmask (__u64 pointer). */
    static final long GETEVENTS_SIGMASK_OFFSET = 0;
    /** getevents_arg.sigmask_sz (__u32). */
    static final long GETEVENTS_SIGMASK_SZ_OFFSET = 8;
    /** getevents_arg.min_wait_usec (__u32; "pad" before 6.12). */
    static final long GETEVENTS_MIN_WAIT_USEC_OFFSET = 12;
    /** getevents_arg.ts (__u64 pointer to __kernel_timespec, 0 = wait forever). */
    static final long GETEVENTS_TS_OFFSET = 16;
    /** _NSIG / 8: the sigset size the kernel expects. */
    static final int SIGSET_SIZE = 8;

    /** sizeof(struct __kernel_timespec). */
    static final long TIMESPEC_SIZE = 16;
    /** timespec.tv_sec (__s64). */
    static final long TIMESPEC_SEC_OFFSET = 0;
    /** timespec.tv_nsec (__s64). */
    static final long TIMESPEC_NSEC_OFFSET = 8;

    /** sizeof(struct io_uring_rsrc_update). */
    static final long RSRC_UPDATE_SIZE = 16;
    /** rsrc_update.offset (__u32; -1 = let the kernel pick, index written back). */
    static final long RSRC_UPDATE_OFFSET_OFFSET = 0;
    /** rsrc_update.resv (__u32). */
    static final long RSRC_UPDATE_RESV_OFFSET = 4;
    /** rsrc_update.data (__u64; the ring fd for REGISTER_RING_FDS). */
    static final long RSRC_UPDATE_DATA_OFFSET = 8;

    /** Ops a probe can report; the nr_args for IORING_REGISTER_PROBE. */
    static final int PROBE_OPS = 256;
    /** sizeof(struct io_uring_probe) header. */
    static final long PROBE_HEADER_SIZE = 16;
    /** sizeof(struct io_uring_probe_op). */
    static final long PROBE_OP_SIZE = 8;
    /** Bytes to allocate for a full probe. */
    static final long PROBE_SIZE = PROBE_HEADER_SIZE + PROBE_OPS * PROBE_OP_SIZE;
    /** probe.last_op (__u8). */
    static final long PROBE_LAST_OP_OFFSET = 0;
    /** probe.ops_len (__u8). */
    static final long PROBE_OPS_LEN_OFFSET = 1;
    /** probe_op.op (__u8), relative to the op entry. */
    static final long PROBE_OP_OP_OFFSET = 0;
    /** probe_op.flags (__u16), relative to the op entry. */
    static final long PROBE_OP_FLAGS_OFFSET = 2;
    /** probe_op.flags bit: op supported. */
    static final int IO_URING_OP_SUPPORTED = 1;

    private ArgLayout() {
    }
}
