package io.ringbolt.uring;

/**
 * Provided-buffer ring structs: {@code struct io_uring_buf} (one ring entry, 16 bytes),
 * {@code struct io_uring_buf_reg} (register argument, 40 bytes) and
 * {@code struct io_uring_buf_status} (PBUF_STATUS argument, 40 bytes).
 */
final class BufRingLayout {

    /** sizeof(struct io_uring_buf). */
    static final int ENTRY_SIZE = 16;
    /** log2(ENTRY_SIZE). */
    static final int ENTRY_SHIFT = 4;
    /** Largest ring the kernel accepts (65536 gives -EINVAL). */
    static final int MAX_ENTRIES = 32768;

    /** io_uring_buf.addr (__u64). */
    static final long ENTRY_ADDR_OFFSET = 0;
    /** io_uring_buf.len (__u32). */
    static final long ENTRY_LEN_OFFSET = 8;
    /** io_uring_buf.bid (__u16). */
    static final long ENTRY_BID_OFFSET = 12;
    /**
     * io_uring_buf_ring.tail (__u16): overlays bufs[0].resv. Only ever written through the
     * release store that publishes entries; no entry's resv is written otherwise.
     */
    static final long TAIL_OFFSET = 14;

    /** sizeof(struct io_uring_buf_reg). */
    static final long REG_SIZE = 40;
    /** buf_reg.ring_addr (__u64, page aligned). */
    static final long REG_RING_ADDR_OFFSET = 0;
    /** buf_reg.ring_entries (__u32). */
    static final long REG_RING_ENTRIES_OFFSET = 8;
    /** buf_reg.bgid (__u16). */
    static final long REG_BGID_OFFSET = 12;
    /** buf_reg.flags (__u16: IOU_PBUF_RING_MMAP, IOU_PBUF_RING_INC). */
    static final long REG_FLAGS_OFFSET = 14;

    /** sizeof(struct io_uring_buf_status). */
    static final long STATUS_SIZE = 40;
    /** buf_status.buf_group (__u32, in). */
    static final long STATUS_BUF_GROUP_OFFSET = 0;
    /** buf_status.head (__u32, out). */
    static final long STATUS_HEAD_OFFSET = 4;

    private BufRingLayout() {
    }
}
