package io.ringbolt.uring;

/**
 * Offsets of {@code struct io_uring_recvmsg_out} (include/uapi/linux/io_uring.h), the header
 * the kernel writes at the start of each provided buffer a multishot IORING_OP_RECVMSG fills:
 * <pre>
 * struct io_uring_recvmsg_out { __u32 namelen; __u32 controllen; __u32 payloadlen; __u32 flags; };
 * </pre>
 * followed by {@code msg_namelen} bytes of name (as asked in the msghdr, whatever the real
 * address length), {@code msg_controllen} bytes of control data, then the payload. The
 * header's {@code namelen}/{@code payloadlen} are the real lengths, which may exceed what was
 * stored (the buffer's {@code flags} then has MSG_CTRUNC / {@link IoUring#MSG_TRUNC}).
 * Offsets of {@code struct msghdr} on x86_64/aarch64 are here too.
 */
public final class RecvmsgOutLayout {
    /** Size of the header. */
    public static final int SIZE = 16;
    /** Real length of the source address. */
    public static final int NAMELEN_OFFSET = 0;
    /** Real length of the control data. */
    public static final int CONTROLLEN_OFFSET = 4;
    /** Real length of the datagram (larger than stored when truncated). */
    public static final int PAYLOADLEN_OFFSET = 8;
    /** recvmsg flags of the datagram (MSG_TRUNC ...). */
    public static final int FLAGS_OFFSET = 12;

    /** {@code sizeof(struct msghdr)}. */
    public static final int MSGHDR_SIZE = 56;
    /** {@code msghdr.msg_name}. */
    public static final int MSGHDR_NAME_OFFSET = 0;
    /** {@code msghdr.msg_namelen} (u32). */
    public static final int MSGHDR_NAMELEN_OFFSET = 8;
    /** {@code msghdr.msg_iov}. */
    public static final int MSGHDR_IOV_OFFSET = 16;
    /** {@code msghdr.msg_iovlen}. */
    public static final int MSGHDR_IOVLEN_OFFSET = 24;
    /** {@code msghdr.msg_control}. */
    public static final int MSGHDR_CONTROL_OFFSET = 32;
    /** {@code msghdr.msg_controllen}. */
    public static final int MSGHDR_CONTROLLEN_OFFSET = 40;
    /** {@code sizeof(struct iovec)}. */
    public static final int IOVEC_SIZE = 16;

    private RecvmsgOutLayout() {
    }
}
