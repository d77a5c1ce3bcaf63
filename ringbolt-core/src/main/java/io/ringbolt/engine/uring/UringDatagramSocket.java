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
 * <p><b>Segmentation offload</b> (UDP GSO, {@code UDP_SEGMENT}): consecutive queued datagrams to
 * the same destination with the same length (the last may be shorter), up to
 * {@value #MAX_SEGMENTS} of at most {@link #maxSegmentBytes} bytes each, leave in one SENDMSG
 * whose iovecs point at the entries' payloads and whose control message gives the segment
 * size; the kernel cuts them back into the same datagrams, so receivers see no difference.
 * A route that refuses it (EIO: no checksum offload or IPsec; EINVAL: a smaller MTU) turns it
 * off for the socket, and that batch's datagrams are sent again one by one.
 *
 * <p><b>Close</b>: cancel everything on the fd hard-linked to a close; memory, buffer ring and
 * slots go once the last CQE is in. Reactor thread only.
 */
final class UringDatagramSocket extends AbstractDatagramSocket implements CompletionTarget {
    static final int MAX_SENDS_IN_FLIGHT = 64;
    /** Datagrams one segmented send carries at most (the kernel's UDP_MAX_SEGMENTS before 6.9). */
    static final int MAX_SEGMENTS = 64;
    /** Payload bytes of one segmented send at most (the IPv4 UDP maximum). */
    private static final int MAX_SEGMENTED_BYTES = 65507;
    // Per send slot: the msghdr, control message and iovec array of a segmented send.
    private static final int B_MSGHDR = 0;
    private static final int B_CMSG = 56;
    private static final int B_IOV = 80;
    private static final int B_STRIDE = B_IOV + MAX_SEGMENTS * RecvmsgOutLayout.IOVEC_SIZE;
    /** CMSG_LEN(sizeof(uint16_t)) and CMSG_SPACE of it: the UDP_SEGMENT control message. */
    private static final long CMSG_LEN_U16 = 18;
    private static final long CMSG_SPACE_U16 = 24;
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
    private final NativeRegion batchRegion;
    private final MemorySegment batches;
    private final long batchesAddress;
    /** Largest datagram coalesced: one that fits a 1500-byte MTU path whole. */
    private final int maxSegmentBytes;
    /** Coalesce sends with UDP_SEGMENT; off once a route refused a segmented send. */
    private boolean segmenting = true;
    /** Entries of a refused segmented send, to go out again one by one (allocated on first need). */
    private long[] resend;
    private int resendCount;
    private long segmentedSends;
    private long segmentedDatagrams;
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
        NativeRegion ringMem = null, bufMem = null, msgMem = null, arenaMem = null, batchMem = null;
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
            batchMem = NativeRegion.allocate((long) MAX_SENDS_IN_FLIGHT * B_STRIDE, 4096);
        } catch (RuntimeException e) {
            if (br != null) {
                br.close();
            }
            for (NativeRegion r : new NativeRegion[]{ringMem, bufMem, msgMem, arenaMem, batchMem}) {
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
        batchRegion = batchMem;
        batches = batchMem.segment();
        batchesAddress = batches.address();
        maxSegmentBytes = domain == IoUring.AF_INET6 ? 1500 - 40 - 8 : 1500 - 20 - 8;
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

    /**
     * Prepares SENDMSGs while send slots are free: first the datagrams of a refused segmented
     * send, again one by one, then queued entries, coalesced where they can be. Reactor thread,
     * before the enter.
     */
    void flush() {
        flushQueued = false;
        SubmissionQueue sq = owner.sq();
        while (freeSendSlotCount > 0 && state() == State.OPEN) {
            if (resendCount > 0) {
                submit(sq, resend[--resendCount], 1);
                continue;
            }
            if (unsubmitted == 0) {
                return;
            }
            if (arena.get(INT, nextSubmit + E_STATE) == WRAP) {
                nextSubmit = 0;
                continue;
            }
            int n = segmenting ? segmentable(nextSubmit) : 1;
            long last = submit(sq, nextSubmit, n);
            unsubmitted -= n;
            nextSubmit = last + arena.get(INT, last + E_STRIDE);
            if (nextSubmit == arenaBytes) {
                nextSubmit = 0;
            }
        }
    }

    /** How many queued entries from {@code first} can leave in one segmented send (1: none). */
    private int segmentable(long first) {
        MemorySegment m = arena;
        long length = m.get(LONG, first + E_IOVEC + 8);
        if (unsubmitted < 2 || length == 0 || length > maxSegmentBytes) {
            return 1;
        }
        int n = 1;
        long total = length;
        long e = first;
        while (n < unsubmitted && n < MAX_SEGMENTS) {
            long next = nextEntry(e);
            long l = m.get(LONG, next + E_IOVEC + 8);
            if (l > length || l == 0 || total + l > MAX_SEGMENTED_BYTES || !sameTarget(first, next)) {
                break;
            }
            n++;
            total += l;
            e = next;
            if (l < length) {
                break; // only the last segment may be shorter
            }
        }
        return n;
    }

    /** The entry after {@code e}, which must exist (queued or in flight), past a wrap marker. */
    private long nextEntry(long e) {
        long next = e + arena.get(INT, e + E_STRIDE);
        if (next == arenaBytes || arena.get(INT, next + E_STATE) == WRAP) {
            return 0;
        }
        return next;
    }

    private boolean sameTarget(long a, long b) {
        MemorySegment m = arena;
        if (m.get(INT, a + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET)
                != m.get(INT, b + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET)) {
            return false;
        }
        for (long off = E_NAME; off < E_PAYLOAD; off += 8) { // the whole (zero-padded) sockaddr area
            if (m.get(LONG, a + off) != m.get(LONG, b + off)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prepares one SENDMSG for {@code n} entries from {@code first} under a free send slot: the
     * entry's own msghdr for one, a segmented send for more.
     *
     * @return the last entry sent
     */
    private long submit(SubmissionQueue sq, long first, int n) {
        SendSlot s = sendSlots[freeSendSlots[--freeSendSlotCount]];
        s.entry = first;
        s.count = n;
        inflight++;
        MemorySegment m = arena;
        if (n == 1) {
            m.set(INT, first + E_STATE, IN_FLIGHT);
            sq.prepSendmsg(fd, arenaAddress + first + E_MSGHDR, 0, s.userData);
            return first;
        }
        MemorySegment b = batches;
        long at = (long) s.index * B_STRIDE;
        long e = first;
        long segment = m.get(LONG, first + E_IOVEC + 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                e = nextEntry(e);
            }
            m.set(INT, e + E_STATE, IN_FLIGHT);
            long iov = at + B_IOV + (long) i * RecvmsgOutLayout.IOVEC_SIZE;
            b.set(LONG, iov, arenaAddress + e + E_PAYLOAD);
            b.set(LONG, iov + 8, m.get(LONG, e + E_IOVEC + 8));
        }
        int nameLength = m.get(INT, first + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET);
        long hdr = at + B_MSGHDR;
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_NAME_OFFSET, nameLength == 0 ? 0L : arenaAddress + first + E_NAME);
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET, nameLength); // with the padding after it
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_IOV_OFFSET, batchesAddress + at + B_IOV);
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_IOVLEN_OFFSET, n);
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_CONTROL_OFFSET, batchesAddress + at + B_CMSG);
        b.set(LONG, hdr + RecvmsgOutLayout.MSGHDR_CONTROLLEN_OFFSET, CMSG_SPACE_U16);
        b.set(LONG, hdr + 48, 0L); // msg_flags and padding
        b.set(LONG, at + B_CMSG, CMSG_LEN_U16);
        b.set(INT, at + B_CMSG + 8, IoUring.SOL_UDP);
        b.set(INT, at + B_CMSG + 12, IoUring.UDP_SEGMENT);
        b.set(LONG, at + B_CMSG + 16, segment); // the u16 gso_size, little-endian, and zero padding
        sq.prepSendmsg(fd, batchesAddress + hdr, 0, s.userData);
        segmentedSends++;
        segmentedDatagrams += n;
        return e;
    }

    private void onSendCqe(SendSlot s, int res) {
        inflight--;
        long e = s.entry;
        int n = s.count;
        freeSendSlots[freeSendSlotCount++] = s.index;
        if (n > 1 && (res == -Errno.EIO || res == -Errno.EINVAL) && state() == State.OPEN) {
            // The route refuses segmentation (no checksum offload, IPsec, an MTU below the
            // segment): nothing was sent; the same datagrams go out again one by one, and this
            // socket stops coalescing.
            segmenting = false;
            if (resend == null) {
                resend = new long[MAX_SENDS_IN_FLIGHT * MAX_SEGMENTS];
            }
            long r = e;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    r = nextEntry(r);
                }
                resend[resendCount++] = r;
            }
            scheduleFlush();
            return;
        }
        if (res < 0 && res != -Errno.ECANCELED) {
            InetSocketAddress to = arena.get(INT, e + E_MSGHDR + RecvmsgOutLayout.MSGHDR_NAMELEN_OFFSET) == 0 ? remoteAddress()
                    : LinuxSocket.decodeSockaddr(arena.asSlice(e + E_NAME, LinuxSocket.SOCKADDR_IN6_SIZE));
            String what = n == 1 ? arena.get(LONG, e + E_IOVEC + 8) + " bytes"
                    : n + " datagrams of " + arena.get(LONG, e + E_IOVEC + 8) + " bytes (one segmented send)";
            deliverError(new IOException("udp send of " + what + " to " + to + " failed: " + Errno.name(res)));
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                e = nextEntry(e);
            }
            arena.set(INT, e + E_STATE, DONE);
        }
        liveEntries -= n;
        advanceHead();
        scheduleFlush();
        maybeRelease();
    }

    private void scheduleFlush() {
        if ((unsubmitted > 0 || resendCount > 0) && !flushQueued && state() == State.OPEN) {
            flushQueued = true;
            owner.queueDatagramFlush(this);
        }
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
        liveEntries -= unsubmitted + resendCount;
        unsubmitted = 0;
        resendCount = 0;
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
        batchRegion.close();
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

    /** Segmented sends (UDP GSO) prepared so far, and the datagrams they carried. Reactor thread. */
    long[] segmentation() {
        return new long[] {segmentedSends, segmentedDatagrams};
    }

    /** Whether sends are still coalesced (no route has refused a segmented send). Reactor thread. */
    boolean segmenting() {
        return segmenting;
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
        /** The first arena entry this send carries. */
        long entry;
        /** How many entries it carries (more than one: a segmented send). */
        int count;

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
