package io.ringbolt.engine.uring;

import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.runtime.AbstractDatagramSocket;
import io.ringbolt.engine.DatagramSpec;
import io.ringbolt.uring.BufferRing;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;
import io.ringbolt.uring.RecvmsgOutLayout;
import io.ringbolt.uring.SubmissionQueue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * A UDP socket on an io_uring reactor.
 *
 * <p><b>Receive</b>: one multishot IORING_OP_RECVMSG into a provided-buffer ring of the socket's
 * own (buffers of {@code 16 + 28 + maxDatagramBytes} bytes: the {@code io_uring_recvmsg_out}
 * header, room for a sockaddr_in6, the payload). Each CQE's buffer is parsed in place and the
 * payload handed to the handler without a copy; the buffer is staged back at once and published
 * after the reap. A truncated datagram (MSG_TRUNC in the header) goes to {@code onTruncated}
 * with its real length. The recv is re-armed after a CQE without F_MORE (-ENOBUFS included)
 * once the batch's buffers are back in the ring.
 *
 * <p><b>Send</b>: datagrams are copied into a circular native arena (an entry is its msghdr,
 * iovec, sockaddr and payload), bounded by the socket's send-queue limits; up to
 * {@value #MAX_SENDS_IN_FLIGHT} IORING_OP_SENDMSG are in flight, each under a send slot of its
 * own in the reactor's target table (completions may come back out of order when the kernel
 * had to wait for room), prepared in one batch before the loop's {@code io_uring_enter}. Memory
 * of an entry is reused only after its CQE.
 *
 * <p><b>Close</b>: cancel everything on the fd hard-linked to a close; memory, buffer ring and
 * slots go once the last CQE is in. Reactor thread only.
 */
final class UringDatagramSocket extends AbstractDatagramSocket implements CompletionTarget {
    static final int MAX_SENDS_IN_FLIGHT = 64;
    /** msg_namelen asked of the kernel: room for a sockaddr_in6. */
    private static final int NAME_BYTES = LinuxSocket.SOCKADDR_IN6_SIZE;
    private static final int PAYLOAD_OFFSET = RecvmsgOutLayout.SIZE + NAME_BYTES;

    // Send entry layout in the arena: header, msghdr, iovec, sockaddr, payload (8-aligned).
    private static final int E_STRIDE = 0;
    private static final int E_STATE = 4;
    private static final int E_MSGHDR = 16;
    private static final int E_IOVEC = 80;
    private static final int E_NAME = 96;
    private static final int E_PAYLOAD = 128;
    private static final int QUEUED = 1, IN_FLIGHT = 2, DONE = 3, WRAP = 4;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final UringReactor owner;
    private final int fd;
    private final int domain;
    private final int slot;
    private final long recvUserData;
    private final int bufferGroup;
    private final int bufferBytes;
    private final NativeRegion ringRegion;
    private final NativeRegion bufferRegion;
    private final MemorySegment bufferMemory;
    private final BufferRing bufferRing;
    private final NativeRegion msghdrRegion;
    private final NativeRegion arenaRegion;
    private final MemorySegment arena;
    private final long arenaAddress;
    private final long arenaBytes;
    private final SourceAddressCache sources = new SourceAddressCache();
    private final SendSlot[] sendSlots = new SendSlot[MAX_SENDS_IN_FLIGHT];
    private final int[] freeSendSlots = new int[MAX_SENDS_IN_FLIGHT];
    private int freeSendSlotCount;

    private int inflight;
    private boolean recvArmed;
    private boolean rearmQueued;
    private boolean flushQueued;
    private boolean published = true;
    private long enobufsCount;

    private long head;
    private long tail;
    private long usedBytes;
    private long nextSubmit;
    private int unsubmitted;
    private int liveEntries;

    UringDatagramSocket(UringReactor owner, DatagramSpec spec) throws IOException {
        super(owner, spec);
        this.owner = owner;
        InetSocketAddress local = spec.local();
        domain = local.getAddress() instanceof Inet6Address ? IoUring.AF_INET6 : IoUring.AF_INET;
        fd = openSocket(spec, domain);
        int group = -1;
        NativeRegion ringMem = null, bufMem = null, msgMem = null, arenaMem = null;
        BufferRing br = null;
        try {
            setLocalAddress(LinuxSocket.getsockname(fd));
            group = owner.allocateBufferGroup();
            int count = options.receiveBuffers();
            bufferBytes = align8(PAYLOAD_OFFSET + options.maxDatagramBytes());
            ringMem = NativeRegion.allocate(Math.max(4096L, count * 16L), 4096);
            bufMem = NativeRegion.allocate((long) count * bufferBytes, 4096);
            br = BufferRing.register(owner.ring(), group, count, bufferBytes, ringMem.segment(), bufMem.segment());
            msgMem = NativeRegion.allocate(64, 64);
            // The recvmsg's msghdr: only the name and control lengths matter with provided buffers.
            msgMem.segment().set(INT, RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET, NAME_BYTES);
            long arenaSize = align8(Math.max(options.sendQueueBytes(), 2L * (E_PAYLOAD + align8(options.maxDatagramBytes())))
                    + (long) E_PAYLOAD * Math.min(options.sendQueueDatagrams(), 1024));
            arenaMem = NativeRegion.allocate(arenaSize, 4096);
            arenaBytes = arenaSize;
        } catch (RuntimeException e) {
            if (br != null) {
                br.close();
            }
            for (NativeRegion r : new NativeRegion[]{ringMem, bufMem, msgMem, arenaMem}) {
                if (r != null) {
                    r.close();
                }
            }
            if (group >= 0) {
                owner.releaseBufferGroup(group);
            }
            LinuxSocket.close(fd);
            throw e;
        }
        bufferGroup = group;
        ringRegion = ringMem;
        bufferRegion = bufMem;
        bufferMemory = bufMem.segment();
        bufferRing = br;
        msghdrRegion = msgMem;
        arenaRegion = arenaMem;
        arena = arenaMem.segment();
        arenaAddress = arena.address();
        slot = owner.register(this);
        recvUserData = UserData.encode(UserData.OP_DGRAM_RECV, owner.generation(slot), slot);
        for (int i = 0; i < MAX_SENDS_IN_FLIGHT; i++) {
            SendSlot s = new SendSlot(i);
            s.slot = owner.register(s);
            s.userData = UserData.encode(UserData.OP_DGRAM_SEND, owner.generation(s.slot), s.slot);
            sendSlots[i] = s;
            freeSendSlots[i] = MAX_SENDS_IN_FLIGHT - 1 - i;
        }
        freeSendSlotCount = MAX_SENDS_IN_FLIGHT;
    }

    private static int openSocket(DatagramSpec spec, int domain) throws IOException {
        InetSocketAddress local = spec.local();
        int fd = LinuxSocket.socket(domain, IoUring.SOCK_DGRAM | IoUring.SOCK_NONBLOCK | IoUring.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("udp socket() for " + local + " failed: " + Errno.name(fd));
        }
        try {
            check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEADDR, 1), "SO_REUSEADDR", local);
            if (spec.reusePort()) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_REUSEPORT, 1), "SO_REUSEPORT", local);
            }
            if (domain == IoUring.AF_INET6 && local.getAddress().isAnyLocalAddress()) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_IPV6, IoUring.IPV6_V6ONLY, 0), "IPV6_V6ONLY", local);
            }
            int socketBuffer = spec.options().socketBufferBytes();
            if (socketBuffer > 0) {
                check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_RCVBUF, socketBuffer), "SO_RCVBUF", local);
                check(LinuxSocket.setsockoptInt(fd, IoUring.SOL_SOCKET, IoUring.SO_SNDBUF, socketBuffer), "SO_SNDBUF", local);
            }
            int r = LinuxSocket.bind(fd, local);
            if (r < 0) {
                throw new IOException("bind udp " + local + " failed: " + Errno.name(r)
                        + (r == -Errno.EADDRINUSE ? " (address already in use)" : ""));
            }
            if (spec.remote() != null) {
                r = LinuxSocket.connect(fd, spec.remote());
                if (r < 0) {
                    throw new IOException("connect udp " + spec.remote() + " failed: " + Errno.name(r));
                }
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            LinuxSocket.close(fd);
            throw e;
        }
    }

    private static void check(int result, String what, InetSocketAddress address) throws IOException {
        if (result < 0) {
            throw new IOException(what + " on udp " + address + " failed: " + Errno.name(result));
        }
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Arms the first receive. */
    void start() {
        armRecv();
    }

    // ---- completions -----------------------------------------------------------------------

    @Override
    public void onCompletion(int op, int res, int flags) {
        switch (op) {
            case UserData.OP_DGRAM_RECV -> onRecvCqe(res, flags);
            case UserData.OP_CANCEL, UserData.OP_CLOSE -> {
                inflight--;
                maybeRelease();
            }
            default -> {
                owner.reportUnexpected(op, res, "completion op=" + op + " res=" + res + " on " + this, null);
                onDispatchFailure(op, res);
            }
        }
    }

    @Override
    public void onDispatchFailure(int op, int res) {
        closeOnReactor();
    }

    // ---- receive -------------------------------------------------------------------------------

    void armRecv() {
        rearmQueued = false;
        if (recvArmed || state() != State.OPEN) {
            return;
        }
        // MSG_TRUNC: the header's payloadlen is then the datagram's real length, not what fitted.
        owner.sq().prepRecvmsgMultishot(fd, msghdrRegion.segment().address(), bufferGroup, IoUring.MSG_TRUNC, recvUserData);
        recvArmed = true;
        inflight++;
    }

    private void onRecvCqe(int res, int flags) {
        boolean more = (flags & IoUring.IORING_CQE_F_MORE) != 0;
        if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            bufferRing.onConsumed(bid);
            try {
                if (res >= PAYLOAD_OFFSET) {
                    onDatagram(bufferRing.bufferOffset(bid), res);
                }
            } finally {
                // Back to the ring whatever happened, an error result with a buffer included.
                bufferRing.recycle(bid);
                if (published) {
                    published = false;
                    owner.queueDatagramPublish(this);
                }
            }
        }
        if (res == -Errno.ENOBUFS) {
            enobufsCount++;
            owner.counters().increment(io.ringbolt.engine.Counter.URING_BUFFER_EXHAUSTED);
        } else if (res < 0 && res != -Errno.ECANCELED) {
            // ICMP errors on a connected socket (ECONNREFUSED, EHOSTUNREACH ...) end up here.
            deliverError(new IOException("udp receive on " + this + " failed: " + Errno.name(res)));
        }
        if (!more) {
            if (recvArmed) {
                recvArmed = false;
                inflight--;
            }
            if (state() == State.OPEN && !rearmQueued) {
                // Re-armed after the reap, once this batch's buffers are back in the ring.
                rearmQueued = true;
                owner.queueDatagramRearm(this);
            }
        }
        maybeRelease();
    }

    private void onDatagram(long base, int res) {
        MemorySegment m = bufferMemory;
        int nameLength = Math.min(m.get(INT, base + RecvmsgOutLayout.NAMELEN_OFFSET), NAME_BYTES);
        int payloadLength = m.get(INT, base + RecvmsgOutLayout.PAYLOADLEN_OFFSET);
        int outFlags = m.get(INT, base + RecvmsgOutLayout.FLAGS_OFFSET);
        InetSocketAddress sender = sources.decode(m, base + RecvmsgOutLayout.SIZE, nameLength);
        if ((outFlags & IoUring.MSG_TRUNC) != 0 || payloadLength > options.maxDatagramBytes()) {
            deliverTruncated(sender, payloadLength);
        } else {
            deliver(m, base + PAYLOAD_OFFSET, payloadLength, sender);
        }
    }

    /** Returns this socket's recycled buffers to the kernel (after a reap). */
    void publish() {
        published = true;
        if (state() != State.CLOSED) {
            bufferRing.publish();
        }
    }

    // ---- send ----------------------------------------------------------------------------------

    @Override
    protected boolean enqueue(InetSocketAddress target, MemorySegment src, long offset, int length) {
        int need = E_PAYLOAD + align8(length);
        long e = reserve(need);
        if (e < 0) {
            return false;
        }
        MemorySegment m = arena;
        m.set(INT, e + E_STRIDE, need);
        m.set(INT, e + E_STATE, QUEUED);
        for (long off = E_MSGHDR; off < E_PAYLOAD; off += 8) {
            m.set(LONG, e + off, 0L);
        }
        int nameLength = target == null ? 0 : encodeTarget(target, e + E_NAME);
        long base = arenaAddress + e;
        if (nameLength > 0) {
            m.set(LONG, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAME_OFFSET, base + E_NAME);
            m.set(INT, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET, nameLength);
        }
        m.set(LONG, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_IOV_OFFSET, base + E_IOVEC);
        m.set(LONG, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_IOVLEN_OFFSET, 1L);
        m.set(LONG, e + E_IOVEC, base + E_PAYLOAD);
        m.set(LONG, e + E_IOVEC + 8, length);
        MemorySegment.copy(src, offset, m, e + E_PAYLOAD, length);
        unsubmitted++;
        liveEntries++;
        if (!flushQueued) {
            flushQueued = true;
            owner.queueDatagramFlush(this);
        }
        return true;
    }

    /** Writes the sockaddr of {@code target} for this socket's family; no allocation for IPv4. */
    private int encodeTarget(InetSocketAddress target, long at) {
        MemorySegment m = arena;
        int port = target.getPort();
        if (target.getAddress() instanceof Inet4Address v4 && domain == IoUring.AF_INET) {
            m.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) IoUring.AF_INET);
            m.set(ValueLayout.JAVA_BYTE, at + 2, (byte) (port >>> 8));
            m.set(ValueLayout.JAVA_BYTE, at + 3, (byte) port);
            m.set(INT_BE, at + 4, v4.hashCode()); // Inet4Address.hashCode() is the address, big-endian order as an int
            return LinuxSocket.SOCKADDR_IN_SIZE;
        }
        return LinuxSocket.encodeSockaddr(target, domain, m.asSlice(at, 32));
    }

    /** Offset of {@code need} contiguous free bytes in the arena, or -1. */
    private long reserve(int need) {
        if (usedBytes == 0) {
            head = tail = nextSubmit = 0;
        }
        if (usedBytes == 0 || tail > head) {
            long end = arenaBytes - tail;
            if (need <= end) {
                return take(need);
            }
            if (need <= head) {
                // Not enough room before the end: a wrap marker covers it, the entry starts at 0.
                arena.set(INT, tail + E_STRIDE, (int) end);
                arena.set(INT, tail + E_STATE, WRAP);
                usedBytes += end;
                tail = 0;
                return take(need);
            }
            return -1;
        }
        return need <= head - tail ? take(need) : -1;
    }

    private long take(int need) {
        long at = tail;
        tail += need;
        if (tail == arenaBytes) {
            tail = 0;
        }
        usedBytes += need;
        return at;
    }

    /** Prepares SENDMSGs for queued entries while send slots are free. Reactor thread, before the enter. */
    void flush() {
        flushQueued = false;
        SubmissionQueue sq = owner.sq();
        while (unsubmitted > 0 && freeSendSlotCount > 0 && state() == State.OPEN) {
            if (arena.get(INT, nextSubmit + E_STATE) == WRAP) {
                nextSubmit = 0;
                continue;
            }
            SendSlot s = sendSlots[freeSendSlots[--freeSendSlotCount]];
            s.entry = nextSubmit;
            arena.set(INT, nextSubmit + E_STATE, IN_FLIGHT);
            sq.prepSendmsg(fd, arenaAddress + nextSubmit + E_MSGHDR, 0, s.userData);
            inflight++;
            unsubmitted--;
            nextSubmit += arena.get(INT, nextSubmit + E_STRIDE);
            if (nextSubmit == arenaBytes) {
                nextSubmit = 0;
            }
        }
    }

    private void onSendCqe(SendSlot s, int res) {
        inflight--;
        long e = s.entry;
        freeSendSlots[freeSendSlotCount++] = s.index;
        if (res < 0 && res != -Errno.ECANCELED) {
            InetSocketAddress to = arena.get(INT, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET) == 0 ? remoteAddress()
                    : LinuxSocket.decodeSockaddr(arena.asSlice(e + E_NAME, LinuxSocket.SOCKADDR_IN6_SIZE));
            deliverError(new IOException("udp send of " + arena.get(LONG, e + E_IOVEC + 8) + " bytes to " + to
                    + " failed: " + Errno.name(res)));
        }
        arena.set(INT, e + E_STATE, DONE);
        liveEntries--;
        advanceHead();
        if (unsubmitted > 0 && !flushQueued && state() == State.OPEN) {
            flushQueued = true;
            owner.queueDatagramFlush(this);
        }
        maybeRelease();
    }

    private void advanceHead() {
        while (usedBytes > 0) {
            int st = arena.get(INT, head + E_STATE);
            if (st != DONE && st != WRAP) {
                return;
            }
            int stride = arena.get(INT, head + E_STRIDE);
            usedBytes -= stride;
            head += stride;
            if (head == arenaBytes) {
                head = 0;
            }
        }
    }

    @Override
    protected int queuedDatagrams() {
        return liveEntries;
    }

    // ---- close ----------------------------------------------------------------------------------

    @Override
    protected void startClose() {
        // Entries not yet handed to the kernel are dropped; the ones in flight finish or are cancelled.
        liveEntries -= unsubmitted;
        unsubmitted = 0;
        SubmissionQueue sq = owner.sq();
        sq.prepCancelFd(fd, IoUring.IORING_ASYNC_CANCEL_ALL, UserData.encode(UserData.OP_CANCEL, owner.generation(slot), slot));
        sq.setLastSqeFlags(IoUring.IOSQE_IO_HARDLINK);
        sq.prepClose(fd, UserData.encode(UserData.OP_CLOSE, owner.generation(slot), slot));
        inflight += 2;
    }

    private void maybeRelease() {
        if (state() != State.CLOSING || inflight != 0) {
            return;
        }
        bufferRing.close();
        owner.releaseBufferGroup(bufferGroup);
        ringRegion.close();
        bufferRegion.close();
        msghdrRegion.close();
        arenaRegion.close();
        for (SendSlot s : sendSlots) {
            owner.release(s.slot, s);
        }
        owner.release(slot, this);
        owner.removeDatagram(this);
        closed();
    }

    /** Receives that found the buffer ring empty. Reactor thread. */
    long enobufsCount() {
        return enobufsCount;
    }

    /** Provided buffers the kernel owns or that are staged for it. Reactor thread. */
    int kernelOwnedBuffers() {
        return bufferRing.kernelOwned() + bufferRing.staged();
    }

    int inflight() {
        return inflight;
    }

    /** The user_data of this socket's receive (tests forge stale or odd completions with it). */
    long recvUserData() {
        return recvUserData;
    }

    /** The user_data of one of this socket's send slots. */
    long sendUserData(int index) {
        return sendSlots[index].userData;
    }

    /** The target of one in-flight SENDMSG: which arena entry it sends. */
    private final class SendSlot implements CompletionTarget {
        final int index;
        int slot;
        long userData;
        long entry;

        SendSlot(int index) {
            this.index = index;
        }

        @Override
        public void onCompletion(int op, int res, int flags) {
            if (op == UserData.OP_DGRAM_SEND) {
                onSendCqe(this, res);
            } else {
                owner.reportUnexpected(op, res, "completion op=" + op + " on a send slot of " + UringDatagramSocket.this, null);
                closeOnReactor();
            }
        }

        @Override
        public void onDispatchFailure(int op, int res) {
            closeOnReactor();
        }

        @Override
        public String toString() {
            return "send slot of " + UringDatagramSocket.this;
        }
    }
}
