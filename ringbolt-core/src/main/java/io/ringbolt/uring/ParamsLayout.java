package io.ringbolt.uring;

/**
 * {@code struct io_uring_params} (120 bytes) with its embedded {@code io_sqring_offsets} (at 40)
 * and {@code io_cqring_offsets} (at 80). Ring-relative offsets the kernel writes back are
 * kernel-internal: always read them from here, never hard-code them.
 */
final class ParamsLayout {

    /** sizeof(struct io_uring_params). */
    static final long SIZE = 120;

    /** __u32 sq_entries (out: rounded to a power of 2). */
    static final long SQ_ENTRIES_OFFSET = 0;
    /** __u32 cq_entries (in with IORING_SETUP_CQSIZE; out). */
    static final long CQ_ENTRIES_OFFSET = 4;
    /** __u32 flags (IORING_SETUP_*). */
    static final long FLAGS_OFFSET = 8;
    /** __u32 sq_thread_cpu. */
    static final long SQ_THREAD_CPU_OFFSET = 12;
    /** __u32 sq_thread_idle. */
    static final long SQ_THREAD_IDLE_OFFSET = 16;
    /** __u32 features (out: IORING_FEAT_*). */
    static final long FEATURES_OFFSET = 20;
    /** __u32 wq_fd. */
    static final long WQ_FD_OFFSET = 24;

    /** struct io_sqring_offsets sq_off. */
    static final long SQ_OFF_OFFSET = 40;
    /** sq_off.head. */
    static final long SQ_OFF_HEAD = SQ_OFF_OFFSET;
    /** sq_off.tail. */
    static final long SQ_OFF_TAIL = SQ_OFF_OFFSET + 4;
    /** sq_off.ring_mask. */
    static final long SQ_OFF_RING_MASK = SQ_OFF_OFFSET + 8;
    /** sq_off.ring_entries. */
    static final long SQ_OFF_RING_ENTRIES = SQ_OFF_OFFSET + 12;
    /** sq_off.flags. */
    static final long SQ_OFF_FLAGS = SQ_OFF_OFFSET + 16;
    /** sq_off.dropped. */
    static final long SQ_OFF_DROPPED = SQ_OFF_OFFSET + 20;
    /** sq_off.array (0 with IORING_SETUP_NO_SQARRAY). */
    static final long SQ_OFF_ARRAY = SQ_OFF_OFFSET + 24;

    /** struct io_cqring_offsets cq_off. */
    static final long CQ_OFF_OFFSET = 80;
    /** cq_off.head. */
    static final long CQ_OFF_HEAD = CQ_OFF_OFFSET;
    /** cq_off.tail. */
    static final long CQ_OFF_TAIL = CQ_OFF_OFFSET + 4;
    /** cq_off.ring_mask. */
    static final long CQ_OFF_RING_MASK = CQ_OFF_OFFSET + 8;
    /** cq_off.ring_entries. */
    static final long CQ_OFF_RING_ENTRIES = CQ_OFF_OFFSET + 12;
    /** cq_off.overflow. */
    static final long CQ_OFF_OVERFLOW = CQ_OFF_OFFSET + 16;
    /** cq_off.cqes. */
    static final long CQ_OFF_CQES = CQ_OFF_OFFSET + 20;
    /** cq_off.flags. */
    static final long CQ_OFF_FLAGS = CQ_OFF_OFFSET + 24;

    private ParamsLayout() {
    }
}
