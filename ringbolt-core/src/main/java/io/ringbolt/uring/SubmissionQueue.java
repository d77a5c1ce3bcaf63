package io.ringbolt.uring;

import static io.ringbolt.uring.IoUring.IORING_ACCEPT_MULTISHOT;
import static io.ringbolt.uring.IoUring.IORING_ASYNC_CANCEL_FD;
import static io.ringbolt.uring.IoUring.IORING_MSG_DATA;
import static io.ringbolt.uring.IoUring.IORING_NOP_INJECT_RESULT;
import static io.ringbolt.uring.IoUring.IORING_OP_ACCEPT;
import static io.ringbolt.uring.IoUring.IORING_OP_ASYNC_CANCEL;
import static io.ringbolt.uring.IoUring.IORING_OP_CLOSE;
import static io.ringbolt.uring.IoUring.IORING_OP_CONNECT;
import static io.ringbolt.uring.IoUring.IORING_OP_LINK_TIMEOUT;
import static io.ringbolt.uring.IoUring.IORING_OP_MSG_RING;
import static io.ringbolt.uring.IoUring.IORING_OP_NOP;
import static io.ringbolt.uring.IoUring.IORING_OP_READ;
import static io.ringbolt.uring.IoUring.IORING_OP_RECV;
import static io.ringbolt.uring.IoUring.IORING_OP_SEND;
import static io.ringbolt.uring.IoUring.IORING_OP_RECVMSG;
import static io.ringbolt.uring.IoUring.IORING_OP_SENDMSG;
import static io.ringbolt.uring.IoUring.IORING_OP_SEND_ZC;
import static io.ringbolt.uring.IoUring.IORING_OP_SHUTDOWN;
import static io.ringbolt.uring.IoUring.IORING_OP_TIMEOUT;
import static io.ringbolt.uring.IoUring.IORING_OP_WRITE;
import static io.ringbolt.uring.IoUring.IORING_RECV_MULTISHOT;
import static io.ringbolt.uring.IoUring.IOSQE_BUFFER_SELECT;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The submission side of a {@link Ring}: SQE preparation into the mmapped SQE array and the
 * local tail that {@link Ring#submit()} / {@link Ring#submitAndWait} publish.
 *
 * <p>Threading: <b>ring owner thread only</b>. Each {@code prepXxx} takes the next free slot
 * (flushing with {@link Ring#submit()} when the SQ is full), zeroes all 64 bytes, writes the
 * named fields and returns nothing. The CQE {@code res} of every op is a value (negated errno on
 * failure), never an exception. Pointers passed as {@code long} addresses must reference native
 * memory that stays valid until the op's final CQE (data buffers) or until submission
 * (msghdr/iovec/timespec arrays, thanks to IORING_FEAT_SUBMIT_STABLE), as noted per method.
 *
 * <p>Pending counts are derived from the kernel's SQ head, so they stay right when the kernel
 * consumes only part of a batch (no SUBMIT_ALL) or refuses it ({@code -EBUSY}). SQPOLL is not
 * supported.
 */
public final class SubmissionQueue {

    private static final VarHandle INT = JAVA_INT.varHandle().withInvokeExactBehavior();

    private final Ring ring;
    private final MemorySegment sqRing;
    private final MemorySegment sqes;
    private final int entries;
    private final int mask;
    private final int sqeShift;
    private final long headOffset;
    private final long tailOffset;

    private int localTail;
    private int cachedHead;
    private long lastSqeOffset = -1;

    SubmissionQueue(Ring ring, MemorySegment sqRing, MemorySegment sqes, int entries, int sqeShift,
                    long headOffset, long tailOffset) {
        this.ring = ring;
        this.sqRing = sqRing;
        this.sqes = sqes;
        this.entries = entries;
        this.mask = entries - 1;
        this.sqeShift = sqeShift;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.localTail = kernelHead();
        this.cachedHead = localTail;
    }

    private int kernelHead() {
        // Pairs with the kernel's smp_store_release of sq.head once it has consumed the SQEs.
        return (int) INT.getAcquire(sqRing, headOffset);
    }

    /**
     * Publishes the local tail to the kernel.
     *
     * @return the number of SQEs the kernel has not consumed yet
     */
    int publishTail() {
        // Pairs with the kernel's smp_load_acquire of sq.tail: SQE bytes are visible before the tail.
        INT.setRelease(sqRing, tailOffset, localTail);
        return localTail - kernelHead();
    }

    /**
     * Returns the SQEs prepared but not yet consumed by the kernel.
     *
     * @return the pending count
     */
    public int pending() {
        return localTail - kernelHead();
    }

    /**
     * Returns the SQ size.
     *
     * @return the number of SQE slots
     */
    public int capacity() {
        return entries;
    }

    /**
     * Returns the slots that can be prepared before a flush is needed.
     *
     * @return {@code capacity() - pending()}
     */
    public int freeSlots() {
        return entries - pending();
    }

    /**
     * ORs IOSQE_* flags (IO_LINK, CQE_SKIP_SUCCESS, ASYNC, ...) into the most recently prepared
     * SQE, which must still be pending.
     *
     * @param iosqeFlags IOSQE_* bits
     * @throws IllegalStateException when no SQE is pending
     */
    public void setLastSqeFlags(int iosqeFlags) {
        if (lastSqeOffset < 0 || localTail == kernelHead()) {
            throw new IllegalStateException("setLastSqeFlags: no pending SQE (the last one was already submitted)");
        }
        byte flags = sqes.get(JAVA_BYTE, lastSqeOffset + SqeLayout.FLAGS_OFFSET);
        sqes.set(JAVA_BYTE, lastSqeOffset + SqeLayout.FLAGS_OFFSET, (byte) (flags | iosqeFlags));
    }

    private long nextSqe() {
        if (localTail - cachedHead >= entries) {
            makeRoom();
        }
        long sqe = (long) (localTail & mask) << sqeShift;
        localTail++;
        MemorySegment s = sqes;
        s.set(JAVA_LONG, sqe, 0L);
        s.set(JAVA_LONG, sqe + 8, 0L);
        s.set(JAVA_LONG, sqe + 16, 0L);
        s.set(JAVA_LONG, sqe + 24, 0L);
        s.set(JAVA_LONG, sqe + 32, 0L);
        s.set(JAVA_LONG, sqe + 40, 0L);
        s.set(JAVA_LONG, sqe + 48, 0L);
        s.set(JAVA_LONG, sqe + 56, 0L);
        if (sqeShift > SqeLayout.SIZE_SHIFT) {
            for (long off = SqeLayout.SIZE; off < (1L << sqeShift); off += Long.BYTES) {
                s.set(JAVA_LONG, sqe + off, 0L);
            }
        }
        lastSqeOffset = sqe;
        return sqe;
    }

    private void makeRoom() {
        cachedHead = kernelHead();
        if (localTail - cachedHead < entries) {
            return;
        }
        int r = ring.submit();
        cachedHead = kernelHead();
        if (localTail - cachedHead >= entries) {
            throw new IllegalStateException("SQ full: " + entries + " SQEs pending and the flush returned "
                    + (r < 0 ? Errno.name(r) : Integer.toString(r)));
        }
    }

    private long prepRw(int opcode, int fd, long addr, int len, long off, long userData) {
        long sqe = nextSqe();
        MemorySegment s = sqes;
        s.set(JAVA_BYTE, sqe + SqeLayout.OPCODE_OFFSET, (byte) opcode);
        s.set(JAVA_INT, sqe + SqeLayout.FD_OFFSET, fd);
        s.set(JAVA_LONG, sqe + SqeLayout.OFF_OFFSET, off);
        s.set(JAVA_LONG, sqe + SqeLayout.ADDR_OFFSET, addr);
        s.set(JAVA_INT, sqe + SqeLayout.LEN_OFFSET, len);
        s.set(JAVA_LONG, sqe + SqeLayout.USER_DATA_OFFSET, userData);
        return sqe;
    }

    private void opFlags(long sqe, int value) {
        sqes.set(JAVA_INT, sqe + SqeLayout.OP_FLAGS_OFFSET, value);
    }

    private void ioprio(long sqe, int value) {
        sqes.set(JAVA_SHORT, sqe + SqeLayout.IOPRIO_OFFSET, (short) value);
    }

    private void bufferSelect(long sqe, int bufGroup) {
        sqes.set(JAVA_BYTE, sqe + SqeLayout.FLAGS_OFFSET, (byte) IOSQE_BUFFER_SELECT);
        sqes.set(JAVA_SHORT, sqe + SqeLayout.BUF_GROUP_OFFSET, (short) bufGroup);
    }

    /**
     * Prepares IORING_OP_NOP. CQE res 0. (io_uring_prep_nop)
     *
     * @param userData returned in the CQE
     */
    public void prepNop(long userData) {
        prepRw(IORING_OP_NOP, -1, 0L, 0, 0L, userData);
    }

    /**
     * Prepares IORING_OP_NOP with IORING_NOP_INJECT_RESULT: the CQE res is {@code res}. For tests
     * of error paths.
     *
     * @param res      the res to inject (e.g. a negated errno)
     * @param userData returned in the CQE
     */
    public void prepNopInject(int res, long userData) {
        long sqe = prepRw(IORING_OP_NOP, -1, 0L, res, 0L, userData);
        opFlags(sqe, IORING_NOP_INJECT_RESULT);
    }

    /**
     * Prepares a single-shot IORING_OP_ACCEPT without peer address (addr/addrlen 0). CQE res is
     * the new fd or -errno. (io_uring_prep_accept; 5.5)
     *
     * @param listenFd    the listening socket
     * @param acceptFlags accept4 flags (SOCK_CLOEXEC, SOCK_NONBLOCK)
     * @param userData    returned in the CQE
     */
    public void prepAccept(int listenFd, int acceptFlags, long userData) {
        long sqe = prepRw(IORING_OP_ACCEPT, listenFd, 0L, 0, 0L, userData);
        opFlags(sqe, acceptFlags);
    }

    /**
     * Prepares a multishot accept (ioprio IORING_ACCEPT_MULTISHOT): one CQE per connection with
     * res = new fd and IORING_CQE_F_MORE; a CQE without F_MORE ends it (re-arm).
     * (io_uring_prep_multishot_accept; 5.19)
     *
     * @param listenFd    the listening socket
     * @param acceptFlags accept4 flags (SOCK_CLOEXEC, SOCK_NONBLOCK)
     * @param userData    returned in every CQE
     */
    public void prepAcceptMultishot(int listenFd, int acceptFlags, long userData) {
        long sqe = prepRw(IORING_OP_ACCEPT, listenFd, 0L, 0, 0L, userData);
        opFlags(sqe, acceptFlags);
        ioprio(sqe, IORING_ACCEPT_MULTISHOT);
    }

    /**
     * Prepares a multishot recv over provided buffers: ioprio IORING_RECV_MULTISHOT, flags
     * IOSQE_BUFFER_SELECT, buf_group, len 0. Each CQE: res = bytes with IORING_CQE_F_BUFFER
     * ({@code bid = flags >>> 16}) and F_MORE; res 0 is EOF; -ENOBUFS means the buffer ring was
     * empty (data stays in the socket; replenish, then re-arm); any CQE without F_MORE ends it.
     * (io_uring_prep_recv_multishot; 6.0)
     *
     * @param fd       the connected socket
     * @param bufGroup the buffer group id of a registered {@link BufferRing}
     * @param userData returned in every CQE
     */
    public void prepRecvMultishot(int fd, int bufGroup, long userData) {
        long sqe = prepRw(IORING_OP_RECV, fd, 0L, 0, 0L, userData);
        ioprio(sqe, IORING_RECV_MULTISHOT);
        bufferSelect(sqe, bufGroup);
    }

    /**
     * Prepares a single-shot recv that picks a provided buffer (IOSQE_BUFFER_SELECT, len 0 =
     * the whole buffer). CQE res = bytes with F_BUFFER, 0 at EOF, or -errno (-ENOBUFS: ring empty).
     *
     * @param fd       the connected socket
     * @param bufGroup the buffer group id
     * @param userData returned in the CQE
     */
    public void prepRecvSelect(int fd, int bufGroup, long userData) {
        long sqe = prepRw(IORING_OP_RECV, fd, 0L, 0, 0L, userData);
        bufferSelect(sqe, bufGroup);
    }

    /**
     * Prepares IORING_OP_RECV into caller memory. CQE res = bytes, 0 at EOF, or -errno.
     * (io_uring_prep_recv)
     *
     * @param fd       the socket
     * @param addr     native buffer address; owned by the kernel until the CQE
     * @param len      buffer length in bytes
     * @param msgFlags recv(2) flags (MSG_WAITALL, ...)
     * @param userData returned in the CQE
     */
    public void prepRecv(int fd, long addr, int len, int msgFlags, long userData) {
        long sqe = prepRw(IORING_OP_RECV, fd, addr, len, 0L, userData);
        opFlags(sqe, msgFlags);
    }

    /**
     * Prepares IORING_OP_SEND. CQE res = bytes sent (may be short on a stream socket) or -errno.
     * (io_uring_prep_send)
     *
     * @param fd       the socket
     * @param addr     native data address; owned by the kernel until the CQE
     * @param len      bytes to send
     * @param msgFlags send(2) flags (MSG_NOSIGNAL, MSG_WAITALL, ...)
     * @param userData returned in the CQE
     */
    public void prepSend(int fd, long addr, int len, int msgFlags, long userData) {
        long sqe = prepRw(IORING_OP_SEND, fd, addr, len, 0L, userData);
        opFlags(sqe, msgFlags);
    }

    /**
     * Prepares IORING_OP_SEND_ZC. First CQE: res = bytes (or -errno) with F_MORE when a
     * notification follows; then a CQE with IORING_CQE_F_NOTIF (res has
     * IORING_NOTIF_USAGE_ZC_COPIED with REPORT_USAGE when the data was copied). The buffer belongs
     * to the kernel until the NOTIF CQE. (io_uring_prep_send_zc; 6.0)
     *
     * @param fd       the socket
     * @param addr     native data address
     * @param len      bytes to send
     * @param msgFlags send(2) flags
     * @param zcFlags  ioprio bits: IORING_SEND_ZC_REPORT_USAGE, IORING_RECVSEND_POLL_FIRST, ...
     * @param userData returned in both CQEs
     */
    public void prepSendZc(int fd, long addr, int len, int msgFlags, int zcFlags, long userData) {
        long sqe = prepRw(IORING_OP_SEND_ZC, fd, addr, len, 0L, userData);
        opFlags(sqe, msgFlags);
        ioprio(sqe, zcFlags);
    }

    /**
     * Prepares IORING_OP_SENDMSG (gathering write). The msghdr and iovec array must stay valid
     * until submission (FEAT_SUBMIT_STABLE), the data until the CQE. CQE res = bytes or -errno.
     * (io_uring_prep_sendmsg)
     *
     * @param fd          the socket
     * @param msghdrAddr  native address of a struct msghdr
     * @param msgFlags    sendmsg(2) flags
     * @param userData    returned in the CQE
     */
    public void prepSendmsg(int fd, long msghdrAddr, int msgFlags, long userData) {
        long sqe = prepRw(IORING_OP_SENDMSG, fd, msghdrAddr, 1, 0L, userData);
        opFlags(sqe, msgFlags);
    }

    /**
     * Prepares a multishot IORING_OP_RECVMSG over provided buffers (ioprio IORING_RECV_MULTISHOT,
     * IOSQE_BUFFER_SELECT, buf_group): each CQE's buffer starts with a
     * {@link RecvmsgOutLayout struct io_uring_recvmsg_out}, then {@code msg_namelen} bytes for the
     * source address, {@code msg_controllen} bytes of control data, then the payload. CQE res =
     * bytes used in the buffer or -errno (-ENOBUFS: ring empty); a CQE without F_MORE ends it.
     * Only {@code msg_namelen} and {@code msg_controllen} of the msghdr are used.
     * (io_uring_prep_recvmsg_multishot; 6.0)
     *
     * @param fd         the datagram socket
     * @param msghdrAddr native struct msghdr; kept alive until the final CQE
     * @param bufGroup   buffer group id of a registered {@link BufferRing}
     * @param msgFlags   recvmsg(2) flags; MSG_TRUNC makes the header's payloadlen the real length
     * @param userData   returned in every CQE
     */
    public void prepRecvmsgMultishot(int fd, long msghdrAddr, int bufGroup, int msgFlags, long userData) {
        long sqe = prepRw(IORING_OP_RECVMSG, fd, msghdrAddr, 1, 0L, userData);
        opFlags(sqe, msgFlags);
        ioprio(sqe, IORING_RECV_MULTISHOT);
        bufferSelect(sqe, bufGroup);
    }

    /**
     * Prepares IORING_OP_READ (eventfd, pipes, files). CQE res = bytes or -errno.
     * (io_uring_prep_read)
     *
     * @param fd       the file descriptor
     * @param addr     native buffer address; owned by the kernel until the CQE
     * @param len      bytes to read
     * @param offset   file offset, or -1 for the current position (streams: 0 or -1)
     * @param userData returned in the CQE
     */
    public void prepRead(int fd, long addr, int len, long offset, long userData) {
        prepRw(IORING_OP_READ, fd, addr, len, offset, userData);
    }

    /**
     * Prepares IORING_OP_WRITE. CQE res = bytes or -errno. (io_uring_prep_write)
     *
     * @param fd       the file descriptor
     * @param addr     native data address; owned by the kernel until the CQE
     * @param len      bytes to write
     * @param offset   file offset, or -1 for the current position (streams: 0 or -1)
     * @param userData returned in the CQE
     */
    public void prepWrite(int fd, long addr, int len, long offset, long userData) {
        prepRw(IORING_OP_WRITE, fd, addr, len, offset, userData);
    }

    /**
     * Prepares IORING_OP_ASYNC_CANCEL matching {@code targetUserData}. CQE res: 0 (cancelled; the
     * target then completes with -ECANCELED), -ENOENT (no match), -EALREADY (running), or with
     * IORING_ASYNC_CANCEL_ALL the number cancelled. (io_uring_prep_cancel64)
     *
     * @param targetUserData the user_data of the request(s) to cancel
     * @param cancelFlags    IORING_ASYNC_CANCEL_* (ALL, ANY, USERDATA ...)
     * @param userData       returned in this op's CQE
     */
    public void prepCancel(long targetUserData, int cancelFlags, long userData) {
        long sqe = prepRw(IORING_OP_ASYNC_CANCEL, -1, targetUserData, 0, 0L, userData);
        opFlags(sqe, cancelFlags);
    }

    /**
     * Prepares IORING_OP_ASYNC_CANCEL of requests on {@code fd} (adds IORING_ASYNC_CANCEL_FD;
     * with ALL it cancels every request and returns the count). Use it before closing a socket
     * with an armed multishot recv: close(2) alone does not stop it. (io_uring_prep_cancel_fd; 5.19)
     *
     * @param fd          the file whose requests to cancel
     * @param cancelFlags additional IORING_ASYNC_CANCEL_* bits (usually ALL)
     * @param userData    returned in this op's CQE
     */
    public void prepCancelFd(int fd, int cancelFlags, long userData) {
        long sqe = prepRw(IORING_OP_ASYNC_CANCEL, fd, 0L, 0, 0L, userData);
        opFlags(sqe, cancelFlags | IORING_ASYNC_CANCEL_FD);
    }

    /**
     * Prepares IORING_OP_CLOSE. CQE res 0 or -errno. (io_uring_prep_close; 5.6)
     *
     * @param fd       the descriptor to close
     * @param userData returned in the CQE
     */
    public void prepClose(int fd, long userData) {
        prepRw(IORING_OP_CLOSE, fd, 0L, 0, 0L, userData);
    }

    /**
     * Prepares IORING_OP_SHUTDOWN. CQE res 0 or -errno. (io_uring_prep_shutdown; 5.11)
     *
     * <p>The kernel always punts this op to an io-wq worker and looks the fd number up only
     * there: if the fd may be closed (and its number reused) before the worker runs, the
     * shutdown hits whatever socket holds the number then. Use a fixed file, or call
     * shutdown(2) directly ({@link LinuxSocket#shutdown}).
     *
     * @param fd       the socket
     * @param how      SHUT_RD, SHUT_WR or SHUT_RDWR
     * @param userData returned in the CQE
     */
    public void prepShutdown(int fd, int how, long userData) {
        prepRw(IORING_OP_SHUTDOWN, fd, 0L, how, 0L, userData);
    }

    /**
     * Prepares IORING_OP_CONNECT. The sockaddr must stay valid until the CQE. CQE res 0 or
     * -errno (-ECONNREFUSED, -ETIMEDOUT, ...). (io_uring_prep_connect)
     *
     * @param fd            the socket
     * @param sockaddrAddr  native address of a sockaddr_in/sockaddr_in6
     * @param addrLen       its length (16 or 28)
     * @param userData      returned in the CQE
     */
    public void prepConnect(int fd, long sockaddrAddr, int addrLen, long userData) {
        prepRw(IORING_OP_CONNECT, fd, sockaddrAddr, 0, addrLen, userData);
    }

    /**
     * Prepares IORING_OP_TIMEOUT. CQE res -ETIME on expiry, 0 when {@code count} completions
     * arrived first, -ECANCELED when removed. The timespec must stay valid until the CQE.
     * (io_uring_prep_timeout)
     *
     * @param timespecAddr native address of a struct __kernel_timespec
     * @param count        completions that satisfy it (0 = pure timer)
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param userData     returned in the CQE
     */
    public void prepTimeout(long timespecAddr, int count, int timeoutFlags, long userData) {
        long sqe = prepRw(IORING_OP_TIMEOUT, -1, timespecAddr, 1, count, userData);
        opFlags(sqe, timeoutFlags);
    }

    /**
     * Prepares IORING_OP_LINK_TIMEOUT for the previous SQE, which must carry IOSQE_IO_LINK (set it
     * with {@link #setLastSqeFlags}). CQE res -ETIME (fired; the target gets -ECANCELED) or
     * -ECANCELED/-EALREADY when the target completed first. (io_uring_prep_link_timeout)
     *
     * @param timespecAddr native address of a struct __kernel_timespec, valid until the CQE
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param userData     returned in the CQE
     */
    public void prepLinkTimeout(long timespecAddr, int timeoutFlags, long userData) {
        long sqe = prepRw(IORING_OP_LINK_TIMEOUT, -1, timespecAddr, 1, 0L, userData);
        opFlags(sqe, timeoutFlags);
    }

    /**
     * Prepares IORING_OP_MSG_RING with IORING_MSG_DATA: posts a CQE {@code (targetUserData, res)}
     * to the target ring. This op's own CQE has res 0 or -errno (none with
     * IORING_MSG_RING_CQE_SKIP). (io_uring_prep_msg_ring; 5.18)
     *
     * @param targetRingFd   the target ring's fd
     * @param res            the target cqe.res
     * @param targetUserData the target cqe.user_data
     * @param msgRingFlags   IORING_MSG_RING_* flags
     * @param userData       returned in this op's CQE
     */
    public void prepMsgRing(int targetRingFd, int res, long targetUserData, int msgRingFlags, long userData) {
        long sqe = prepRw(IORING_OP_MSG_RING, targetRingFd, IORING_MSG_DATA, res, targetUserData, userData);
        opFlags(sqe, msgRingFlags);
    }

    /**
     * Describes the SQ state for {@link Ring#toString()}.
     *
     * @return "head=.. tail=.. pending=.."
     */
    String describe() {
        int head = kernelHead();
        return "head=" + Integer.toUnsignedString(head) + " tail=" + Integer.toUnsignedString(localTail)
                + " pending=" + (localTail - head);
    }
}
