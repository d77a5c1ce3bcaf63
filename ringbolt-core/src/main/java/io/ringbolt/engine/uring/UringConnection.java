package io.ringbolt.engine.uring;

import io.ringbolt.buffer.Chunk;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.runtime.AbstractConnection;
import io.ringbolt.engine.runtime.ConnectAttempt;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;
import io.ringbolt.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * A connection on an io_uring reactor: one multishot recv into the reactor's provided-buffer
 * ring (single-shot once the handler has paused reading, to bound the overshoot), at most one
 * send (SEND, or SENDMSG gathering several chunks) in flight, and close as cancel-then-close.
 * An outbound one starts with IORING_OP_CONNECT hard-linked to IORING_OP_LINK_TIMEOUT. Counts
 * its in-flight operations so its slot is reused only after the last completion arrived.
 * Reactor thread only.
 */
final class UringConnection extends AbstractConnection implements CompletionTarget {
    /** iovecs per SENDMSG; the msghdr and iovecs share one 1 KiB chunk. */
    static final int MAX_IOVECS = 60;
    private static final int MSGHDR_BYTES = 64;
    /** Where the connect's {@code __kernel_timespec} sits in its chunk, after a sockaddr_storage. */
    private static final long TIMESPEC_OFFSET = 128;

    private final UringReactor owner;
    private final int fd;
    private final int slot;
    private final int generation;
    private final long recvUserData;
    private final long sendUserData;
    private int inflight;
    private boolean recvArmed;
    private boolean recvRearmQueued;
    private boolean sending;
    private Chunk msgChunk;
    private boolean socketClosed;
    private boolean peerEof;
    private boolean singleShot;
    /** The sockaddr and timespec of the connect; the kernel may read them until both CQEs are in. */
    private Chunk connectChunk;
    /** CQEs still due for the connect and its linked timeout (0, 1 or 2). */
    private int connectOps;
    /** The CONNECT op is in flight (its fd is still the kernel's to cancel). */
    private boolean connectArmed;

    UringConnection(UringReactor owner, int fd, int slot, int generation) {
        super(owner);
        this.owner = owner;
        this.fd = fd;
        this.slot = slot;
        this.generation = generation;
        this.recvUserData = UserData.encode(UserData.OP_RECV, generation, slot);
        this.sendUserData = UserData.encode(UserData.OP_SEND, generation, slot);
    }

    /** An outbound connection on a fresh non-blocking socket; {@link #startConnect} follows. */
    UringConnection(UringReactor owner, int fd, int slot, int generation, ConnectAttempt attempt) {
        super(owner, attempt);
        this.owner = owner;
        this.fd = fd;
        this.slot = slot;
        this.generation = generation;
        this.recvUserData = UserData.encode(UserData.OP_RECV, generation, slot);
        this.sendUserData = UserData.encode(UserData.OP_SEND, generation, slot);
    }

    int fd() {
        return fd;
    }

    int slot() {
        return slot;
    }

    int generation() {
        return generation;
    }

    @Override
    public void onCompletion(int op, int res, int flags) {
        switch (op) {
            case UserData.OP_RECV -> onRecvCqe(res, flags);
            case UserData.OP_SEND -> onSendCqe(res);
            case UserData.OP_CONNECT -> onConnectCqe(res);
            case UserData.OP_CONNECT_TIMEOUT -> onConnectTimeoutCqe();
            case UserData.OP_CANCEL, UserData.OP_CLOSE -> onCancelOrCloseCqe();
            default -> {
                // Not an op this connection submits: its bookkeeping can no longer be trusted.
                owner.reportUnexpected(op, res, "completion op=" + op + " res=" + res + " on " + this, null);
                onDispatchFailure(op, res);
            }
        }
    }

    @Override
    public void onDispatchFailure(int op, int res) {
        try {
            if (!isClosed()) {
                onFailed(CloseReason.ERROR);
            }
        } catch (RuntimeException e) {
            System.getLogger("io.ringbolt.engine").log(System.Logger.Level.DEBUG, "closing " + this + " after a failed completion", e);
        }
    }

    /** Opens the handler side and arms the first recv. */
    void start() {
        if (open()) {
            armRecv();
        } else {
            maybeRelease();
        }
    }

    // ---- connect ---------------------------------------------------------------------------

    /**
     * Submits IORING_OP_CONNECT to {@code target} with IOSQE_IO_LINK, followed by its
     * IORING_OP_LINK_TIMEOUT of {@code timeoutNs}. The kernel copies both arguments when it
     * takes the SQEs, but they stay in a chunk of their own until both CQEs are in, so nothing
     * depends on that.
     */
    void startConnect(InetSocketAddress target, long timeoutNs) {
        SubmissionQueue sq = owner.sq();
        if (sq.freeSlots() < 2) {
            // The pair must reach the kernel in one submission: a chain cut between the two
            // would leave the LINK_TIMEOUT with nothing to link to (-EINVAL) and the connect
            // without its timeout.
            owner.submitNow();
        }
        connectChunk = owner.msgPool().acquire();
        MemorySegment m = connectChunk.segment();
        // The socket was created in the address's own family, which is what this encodes.
        int length = LinuxSocket.encodeSockaddr(target, m);
        m.set(ValueLayout.JAVA_LONG, TIMESPEC_OFFSET, timeoutNs / 1_000_000_000L);
        m.set(ValueLayout.JAVA_LONG, TIMESPEC_OFFSET + 8, timeoutNs % 1_000_000_000L);
        sq.prepConnect(fd, connectChunk.address(), length, UserData.encode(UserData.OP_CONNECT, generation, slot));
        sq.setLastSqeFlags(IoUring.IOSQE_IO_LINK);
        sq.prepLinkTimeout(connectChunk.address() + TIMESPEC_OFFSET, 0,
                UserData.encode(UserData.OP_CONNECT_TIMEOUT, generation, slot));
        connectArmed = true;
        connectOps = 2;
        inflight += 2;
    }

    /**
     * The connect's CQE: 0 connected; -ECANCELED cancelled, by the linked timeout unless this
     * side aborted the connect already (then the state is no longer CONNECTING); any other
     * -errno is the kernel's verdict (-ECONNREFUSED, -ETIMEDOUT, -ENETUNREACH ...).
     */
    void onConnectCqe(int res) {
        connectArmed = false;
        inflight--;
        connectOpEnded();
        if (isConnecting()) {
            if (res >= 0) {
                if (onConnected()) {
                    armRecv();
                }
            } else if (res == -Errno.ECANCELED) {
                onConnectTimedOut();
            } else {
                onConnectFailed(Errno.name(res), null);
            }
        }
        maybeRelease();
    }

    /**
     * The linked timeout's CQE: -ETIME when it fired (the connect's own CQE says -ECANCELED),
     * -ECANCELED or -EALREADY when the connect ended first. Only its memory matters here.
     */
    void onConnectTimeoutCqe() {
        inflight--;
        connectOpEnded();
        maybeRelease();
    }

    private void connectOpEnded() {
        if (--connectOps == 0) {
            owner.msgPool().release(connectChunk);
            connectChunk = null;
        }
    }

    // ---- receive ---------------------------------------------------------------------------

    /** Arms the multishot recv if the connection still wants bytes and none is armed. */
    void armRecv() {
        recvRearmQueued = false;
        if (recvArmed || peerEof || isClosed() || !isReadEnabled() || isInputClosed()) {
            return;
        }
        if (singleShot) {
            owner.sq().prepRecvSelect(fd, owner.bufferGroup(), recvUserData);
        } else {
            owner.sq().prepRecvMultishot(fd, owner.bufferGroup(), recvUserData);
        }
        recvArmed = true;
        inflight++;
    }

    void deliver(MemorySegment segment, long offset, int length) {
        onReceived(segment, offset, length);
    }

    void onRecvCqe(int res, int flags) {
        boolean more = (flags & IoUring.IORING_CQE_F_MORE) != 0;
        if (res > 0) {
            // The buffer goes back to the kernel in the reactor's batch publish after this CQE.
            owner.deliverBuffer(this, flags >>> IoUring.IORING_CQE_BUFFER_SHIFT, res);
        } else if (res == 0) {
            more = false;
            peerEof = true;
            recvEnded();
            onInputEnded();
        } else if (res == -Errno.ENOBUFS) {
            owner.countEnobufs();
        } else if (res != -Errno.ECANCELED) {
            more = false;
            recvEnded();
            boolean reset = res == -Errno.ECONNRESET || res == -Errno.EPIPE;
            if (!reset && res != -Errno.ETIMEDOUT && res != -Errno.EHOSTUNREACH && res != -Errno.ENETUNREACH) {
                owner.reportUnexpected(UserData.OP_RECV, res, "recv result on " + this, null);
            }
            onFailed(reset ? CloseReason.RESET : CloseReason.ERROR);
        }
        if (res <= 0 && (flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            // A buffer came back with no data in it: return it rather than lose it.
            owner.returnBuffer(flags);
        }
        if (!more) {
            recvEnded();
            // ENOBUFS (ring empty), a cancel for pausing, or the kernel ending a multishot: re-arm
            // once this batch's buffers are back in the ring.
            if (!isClosed() && !peerEof && isReadEnabled() && !isInputClosed() && !recvRearmQueued) {
                recvRearmQueued = true;
                owner.queueRearm(this);
            }
        }
        maybeRelease();
    }

    private void recvEnded() {
        if (recvArmed) {
            recvArmed = false;
            inflight--;
        }
    }

    @Override
    protected void readEnabledChanged(boolean enabled) {
        if (enabled) {
            armRecv();
        } else if (recvArmed) {
            // A multishot recv keeps moving socket data into our buffers until the cancel
            // lands; those bytes are kept, not presented. A connection that needed
            // back-pressure once receives one buffer per arm from now on, so later pauses
            // overshoot by at most one buffer.
            singleShot = true;
            owner.sq().prepCancel(recvUserData, 0, UserData.encode(UserData.OP_CANCEL, generation, slot));
            inflight++;
            // Submit now rather than with the next wait: every CQE the recv posts before the
            // cancel lands is bytes this connection must keep while paused.
            owner.submitNow();
        }
    }

    // ---- send --------------------------------------------------------------------------------

    @Override
    protected void startSend() {
        if (sending || isClosed() || out.isEmpty()) {
            return;
        }
        SubmissionQueue sq = owner.sq();
        Chunk head = out.head();
        if (head.next() == null || head.next().readableBytes() == 0) {
            sq.prepSend(fd, head.address() + head.readIndex(), head.readableBytes(), IoUring.MSG_NOSIGNAL, sendUserData);
        } else {
            if (msgChunk == null) {
                msgChunk = owner.msgPool().acquire();
            }
            MemorySegment m = msgChunk.segment();
            for (long off = 0; off < MSGHDR_BYTES; off += 8) {
                m.set(ValueLayout.JAVA_LONG, off, 0L);
            }
            int count = out.fillIovecs(m, MSGHDR_BYTES, MAX_IOVECS);
            // struct msghdr (x86_64): name@0 namelen@8 iov@16 iovlen@24 control@32 controllen@40 flags@48
            m.set(ValueLayout.JAVA_LONG, 16, msgChunk.address() + MSGHDR_BYTES);
            m.set(ValueLayout.JAVA_LONG, 24, count);
            sq.prepSendmsg(fd, msgChunk.address(), IoUring.MSG_NOSIGNAL, sendUserData);
        }
        sending = true;
        inflight++;
    }

    void onSendCqe(int res) {
        sending = false;
        inflight--;
        if (msgChunk != null) {
            owner.msgPool().release(msgChunk);
            msgChunk = null;
        }
        if (res >= 0) {
            if (!isClosed()) {
                onSendCompleted(res);
            }
        } else if (res == -Errno.EAGAIN) {
            // Nothing was sent. The kernel polls a request for room only once: when the retry
            // after that wake-up finds the buffer full again, it issues the send blocking, which
            // a non-blocking socket answers with EAGAIN. A new send waits for room afresh; the
            // write timer still counts from the last byte that left.
            if (!isClosed()) {
                onSendCompleted(0);
            }
        } else if (res != -Errno.ECANCELED && !isClosed()) {
            boolean reset = res == -Errno.EPIPE || res == -Errno.ECONNRESET;
            if (!reset && res != -Errno.ETIMEDOUT && res != -Errno.ENOBUFS && res != -Errno.EHOSTUNREACH) {
                owner.reportUnexpected(UserData.OP_SEND, res, "send result on " + this, null);
            }
            onFailed(reset ? CloseReason.RESET : CloseReason.ERROR);
        }
        maybeRelease();
    }

    @Override
    protected boolean sendInFlight() {
        return sending;
    }

    // ---- close ---------------------------------------------------------------------------------

    @Override
    protected void closeSocket(boolean abortive) {
        if (socketClosed) {
            return;
        }
        socketClosed = true;
        if (abortive) {
            LinuxSocket.setLinger(fd, true, 0);
        }
        SubmissionQueue sq = owner.sq();
        if (recvArmed || sending || connectArmed) {
            // close(2) alone does not stop an armed multishot recv (it keeps the file alive),
            // nor a connect in flight: cancel everything on the fd first; the hard link runs the
            // close whatever the cancel returns.
            sq.prepCancelFd(fd, IoUring.IORING_ASYNC_CANCEL_ALL, UserData.encode(UserData.OP_CANCEL, generation, slot));
            sq.setLastSqeFlags(IoUring.IOSQE_IO_HARDLINK);
            inflight++;
        }
        sq.prepClose(fd, UserData.encode(UserData.OP_CLOSE, generation, slot));
        inflight++;
    }

    @Override
    protected void shutdownSocketOutput() {
        // A direct system call, not IORING_OP_SHUTDOWN: the kernel always runs that op on an
        // io-wq worker and resolves the fd number only there, so when the peer's EOF arrived
        // first the close below could free the number, the next accept could reuse it, and the
        // late shutdown would cut the new connection's output (EPIPE on its first send). The
        // output is flushed when this runs, so nothing is left to order it against.
        // A failure (the peer already reset) needs no handling here: the armed recv reports it.
        LinuxSocket.shutdown(fd, IoUring.SHUT_WR);
    }

    void onCancelOrCloseCqe() {
        inflight--;
        maybeRelease();
    }

    /** Frees the slot and output memory once closed and no operation references them. */
    private void maybeRelease() {
        if (isClosed() && inflight == 0 && socketClosed) {
            releaseOutput();
            if (msgChunk != null) {
                owner.msgPool().release(msgChunk);
                msgChunk = null;
            }
            if (connectChunk != null) { // connectOpEnded released it unless a CQE was miscounted
                owner.msgPool().release(connectChunk);
                connectChunk = null;
            }
            owner.releaseSlot(this);
        }
    }

    int inflight() {
        return inflight;
    }

    @Override
    protected InetSocketAddress fetchRemoteAddress() {
        return LinuxSocket.getpeername(fd);
    }

    @Override
    protected InetSocketAddress fetchLocalAddress() {
        return LinuxSocket.getsockname(fd);
    }
}
