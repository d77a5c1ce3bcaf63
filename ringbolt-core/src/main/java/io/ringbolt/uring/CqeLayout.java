package io.ringbolt.uring;

/** {@code struct io_uring_cqe} (16 bytes, 32 with IORING_SETUP_CQE32; uapi io_uring.h). */
final class CqeLayout {

    /** sizeof(struct io_uring_cqe) without CQE32. */
    static final int SIZE = 16;
    /** log2(SIZE). */
    static final int SIZE_SHIFT = 4;
    /** log2 of the CQE stride with IORING_SETUP_CQE32. */
    static final int SIZE_SHIFT_CQE32 = 5;

    /** __u64 user_data. */
    static final long USER_DATA_OFFSET = 0;
    /** __s32 res. */
    static final long RES_OFFSET = 8;
    /** __u32 flags (IORING_CQE_F_*, buffer id in the upper 16 bits). */
    static final long FLAGS_OFFSET = 12;

    private CqeLayout() {
    }
}
