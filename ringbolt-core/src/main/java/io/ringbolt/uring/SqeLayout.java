package io.ringbolt.uring;

/**
 * {@code struct io_uring_sqe} (64 bytes; uapi io_uring.h). Offsets of the union members this
 * package writes; the name after each offset is the UAPI field (or union member).
 */
final class SqeLayout {

    /** sizeof(struct io_uring_sqe) without SQE128. */
    static final int SIZE = 64;
    /** log2(SIZE): the SQE array stride shift. */
    static final int SIZE_SHIFT = 6;

    /** __u8 opcode. */
    static final long OPCODE_OFFSET = 0;
    /** __u8 flags (IOSQE_*). */
    static final long FLAGS_OFFSET = 1;
    /** __u16 ioprio (net ops: IORING_RECV_MULTISHOT, IORING_ACCEPT_*, IORING_RECVSEND_*). */
    static final long IOPRIO_OFFSET = 2;
    /** __s32 fd. */
    static final long FD_OFFSET = 4;
    /** __u64 off / addr2 (ACCEPT: addrlen*, CONNECT: addrlen, TIMEOUT: count, MSG_RING: user_data). */
    static final long OFF_OFFSET = 8;
    /** __u64 addr (buffer, sockaddr*, timespec*, cancel target user_data, MSG_RING command). */
    static final long ADDR_OFFSET = 16;
    /** __u32 len. */
    static final long LEN_OFFSET = 24;
    /** The op-flags union: rw_flags, msg_flags, accept_flags, cancel_flags, timeout_flags, nop_flags... */
    static final long OP_FLAGS_OFFSET = 28;
    /** __u64 user_data. */
    static final long USER_DATA_OFFSET = 32;
    /** __u16 buf_index / buf_group (packed union). */
    static final long BUF_GROUP_OFFSET = 40;
    /** __u16 personality. */
    static final long PERSONALITY_OFFSET = 42;
    /** __s32 splice_fd_in / __u32 file_index. */
    static final long FILE_INDEX_OFFSET = 44;
    /** __u64 addr3. */
    static final long ADDR3_OFFSET = 48;

    private SqeLayout() {
    }
}
