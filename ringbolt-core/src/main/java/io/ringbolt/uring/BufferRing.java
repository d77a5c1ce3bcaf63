package io.ringbolt.uring;

import static io.ringbolt.uring.IoUring.IORING_REGISTER_PBUF_RING;
import static io.ringbolt.uring.IoUring.IORING_REGISTER_PBUF_STATUS;
import static io.ringbolt.uring.IoUring.IORING_UNREGISTER_PBUF_RING;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, Linux 5.19+) over caller-owned memory:
 * {@code entries} buffers of {@code bufferSize} bytes, buffer id {@code i} at
 * {@code bufferMemory + i * bufferSize}. Ops with IOSQE_BUFFER_SELECT and this group id pick
 * buffers from it; their CQEs carry IORING_CQE_F_BUFFER and the bid.
 *
 * <p>Ownership: the ring memory and the buffers belong to the kernel while registered; the
 * caller must {@link #unregister()} (or close) <b>before</b> freeing them. A buffer reported in
 * a CQE belongs to the caller until {@link #recycle} + {@link #publish}.
 *
 * <p>Accounting: {@link #kernelOwned()} counts buffers published and not yet reported consumed.
 * It is exact only if the caller reports every consumed buffer through {@link #onConsumed}
 * (every CQE with F_BUFFER; bundles: every buffer of the bundle; incremental rings: on the CQE
 * without F_BUF_MORE).
 *
 * <p>Threading: <b>ring owner thread only</b>.
 */
public final class BufferRing implements AutoCloseable {

    private static final VarHandle SHORT = JAVA_SHORT.varHandle().withInvokeExactBehavior();

    private final Ring ring;
    private final int bgid;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final MemorySegment ringMemory;
    private final MemorySegment bufferMemory;
    private final long bufferBase;

    private int localTail;
    private int staged;
    private int kernelOwned;
    private boolean registered;

    private BufferRing(Ring ring, int bgid, int entries, int bufferSize, MemorySegment ringMemory,
                       MemorySegment bufferMemory) {
        this.ring = ring;
        this.bgid = bgid;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        this.ringMemory = ringMemory;
        this.bufferMemory = bufferMemory;
        this.bufferBase = bufferMemory.address();
    }

    /**
     * Registers a buffer ring and provides all {@code entries} buffers (bid i at
     * {@code bufferMemory + i * bufferSize}), publishing the tail once.
     *
     * @param ring         the owning ring (owner thread)
     * @param bgid         buffer group id, 0..65535, unique per ring
     * @param entries      ring size, a power of 2 ≤ 32768
     * @param bufferSize   bytes per buffer, &gt; 0
     * @param ringMemory   native, page-aligned, ≥ entries × 16 bytes; zeroed here
     * @param bufferMemory native, ≥ entries × bufferSize bytes
     * @return the registered ring with every buffer kernel-owned
     * @throws IllegalArgumentException on invalid sizes or memory
     * @throws IoUringException         when the kernel refuses (ENOMEM: RLIMIT_MEMLOCK; EEXIST:
     *                                  bgid in use or wrong thread)
     */
    public static BufferRing register(Ring ring, int bgid, int entries, int bufferSize, MemorySegment ringMemory,
                                      MemorySegment bufferMemory) {
        return register(ring, bgid, entries, bufferSize, ringMemory, bufferMemory, 0);
    }

    /**
     * Like {@link #register(Ring, int, int, int, MemorySegment, MemorySegment)} with buf_reg flags,
     * e.g. {@link IoUring#IOU_PBUF_RING_INC} (6.12: buffers consumed piecewise; the kernel then
     * rewrites ring entries' addr/len in place). {@link IoUring#IOU_PBUF_RING_MMAP} is not
     * supported (the memory is the caller's).
     *
     * @param ring         the owning ring (owner thread)
     * @param bgid         buffer group id, 0..65535
     * @param entries      ring size, a power of 2 ≤ 32768
     * @param bufferSize   bytes per buffer, &gt; 0
     * @param ringMemory   native, page-aligned, ≥ entries × 16 bytes; zeroed here
     * @param bufferMemory native, ≥ entries × bufferSize bytes
     * @param ringFlags    IOU_PBUF_RING_* flags
     * @return the registered ring with every buffer kernel-owned
     * @throws IllegalArgumentException on invalid sizes, memory or flags
     * @throws IoUringException         when the kernel refuses
     */
    public static BufferRing register(Ring ring, int bgid, int entries, int bufferSize, MemorySegment ringMemory,
                                      MemorySegment bufferMemory, int ringFlags) {
        validate(bgid, entries, bufferSize, ringMemory, bufferMemory, ringFlags);
        long ringLength = (long) entries * BufRingLayout.ENTRY_SIZE;
        // A stale tail (bufs[0].resv) would make the kernel consume garbage entries.
        ringMemory.asSlice(0, ringLength).fill((byte) 0);

        MemorySegment reg = ring.registerScratch();
        reg.asSlice(0, BufRingLayout.REG_SIZE).fill((byte) 0);
        reg.set(JAVA_LONG, BufRingLayout.REG_RING_ADDR_OFFSET, ringMemory.address());
        reg.set(JAVA_INT, BufRingLayout.REG_RING_ENTRIES_OFFSET, entries);
        reg.set(JAVA_SHORT, BufRingLayout.REG_BGID_OFFSET, (short) bgid);
        reg.set(JAVA_SHORT, BufRingLayout.REG_FLAGS_OFFSET, (short) ringFlags);
        int r = ring.register(IORING_REGISTER_PBUF_RING, reg, 1);
        if (r < 0) {
            throw new IoUringException("io_uring_register(IORING_REGISTER_PBUF_RING)", -r,
                    registerHint(-r, bgid, entries, ringMemory, ringFlags));
        }
        BufferRing bufferRing = new BufferRing(ring, bgid, entries, bufferSize, ringMemory, bufferMemory);
        bufferRing.registered = true;
        for (int bid = 0; bid < entries; bid++) {
            bufferRing.recycle(bid);
        }
        bufferRing.publish();
        return bufferRing;
    }

    private static void validate(int bgid, int entries, int bufferSize, MemorySegment ringMemory,
                                 MemorySegment bufferMemory, int ringFlags) {
        if (entries <= 0 || entries > BufRingLayout.MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries=" + entries + ": must be a power of 2 in [1, "
                    + BufRingLayout.MAX_ENTRIES + "]");
        }
        if (bgid < 0 || bgid > 0xFFFF) {
            throw new IllegalArgumentException("bgid=" + bgid + ": must be in [0, 65535]");
        }
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize=" + bufferSize + ": must be > 0");
        }
        if ((ringFlags & IoUring.IOU_PBUF_RING_MMAP) != 0) {
            throw new IllegalArgumentException("ringFlags=0x" + Integer.toHexString(ringFlags)
                    + ": IOU_PBUF_RING_MMAP is not supported, pass caller-owned ring memory");
        }
        long ringLength = (long) entries * BufRingLayout.ENTRY_SIZE;
        if (!ringMemory.isNative() || ringMemory.address() % Syscalls.PAGE_SIZE != 0
                || ringMemory.byteSize() < ringLength) {
            throw new IllegalArgumentException("entries=" + entries + ": ringMemory must be native, aligned to "
                    + Syscalls.PAGE_SIZE + " bytes and at least " + ringLength + " bytes (address=0x"
                    + Long.toHexString(ringMemory.address()) + ", byteSize=" + ringMemory.byteSize() + ")");
        }
        long buffersLength = (long) entries * bufferSize;
        if (!bufferMemory.isNative() || bufferMemory.byteSize() < buffersLength) {
            throw new IllegalArgumentException("entries=" + entries + ", bufferSize=" + bufferSize
                    + ": bufferMemory must be native and at least " + buffersLength + " bytes (byteSize="
                    + bufferMemory.byteSize() + ")");
        }
    }

    private static String registerHint(int errno, int bgid, int entries, MemorySegment ringMemory, int ringFlags) {
        return switch (errno) {
            case Errno.ENOMEM -> IoUringProbe.memlockHint((long) entries * BufRingLayout.ENTRY_SIZE,
                    "this buffer ring");
            case Errno.EEXIST -> "buffer group bgid=" + bgid + " is already registered on this ring, or the"
                    + " calling thread is not the issuer of a SINGLE_ISSUER ring";
            case Errno.EINVAL -> "entries=" + entries + ", ring_addr=0x" + Long.toHexString(ringMemory.address())
                    + ", flags=0x" + Integer.toHexString(ringFlags)
                    + " rejected (entries must be a power of 2 <= 32768, the ring page aligned, flags known)";
            case Errno.EPERM, Errno.ENOSYS -> "provided-buffer rings need Linux 5.19+";
            default -> null;
        };
    }

    /**
     * Returns the buffer group id to pass to recv ops.
     *
     * @return the bgid
     */
    public int bgid() {
        return bgid;
    }

    /**
     * Returns the number of buffers (ring entries).
     *
     * @return entries
     */
    public int entries() {
        return entries;
    }

    /**
     * Returns the size of each buffer.
     *
     * @return bytes per buffer
     */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * Returns the whole buffer memory passed at registration (bid i at {@link #bufferOffset}).
     *
     * @return the buffer memory segment
     */
    public MemorySegment bufferMemory() {
        return bufferMemory;
    }

    /**
     * Returns the native address of buffer {@code bid}.
     *
     * @param bid buffer id, 0..entries-1
     * @return its address
     */
    public long bufferAddress(int bid) {
        return bufferBase + bufferOffset(bid);
    }

    /**
     * Returns the byte offset of buffer {@code bid} inside {@link #bufferMemory()}.
     *
     * @param bid buffer id, 0..entries-1
     * @return {@code bid * bufferSize}
     * @throws IndexOutOfBoundsException for a bid outside the ring
     */
    public long bufferOffset(int bid) {
        return (long) Objects.checkIndex(bid, entries) * bufferSize;
    }

    /**
     * Stages buffer {@code bid} for return to the kernel: writes addr/len/bid into the entry at
     * the local tail. Invisible to the kernel until {@link #publish()}.
     *
     * @param bid a buffer id the caller owns (reported consumed, not yet recycled)
     * @throws IndexOutOfBoundsException for a bid outside the ring
     * @throws IllegalStateException     when every buffer is already kernel-owned or staged
     */
    public void recycle(int bid) {
        Objects.checkIndex(bid, entries);
        if (kernelOwned + staged >= entries) {
            throw new IllegalStateException("recycle(bid=" + bid + "): all " + entries
                    + " buffers are already kernel-owned or staged (missing onConsumed?)");
        }
        long entry = (long) (localTail & mask) << BufRingLayout.ENTRY_SHIFT;
        MemorySegment r = ringMemory;
        r.set(JAVA_LONG, entry + BufRingLayout.ENTRY_ADDR_OFFSET, bufferBase + (long) bid * bufferSize);
        r.set(JAVA_INT, entry + BufRingLayout.ENTRY_LEN_OFFSET, bufferSize);
        r.set(JAVA_SHORT, entry + BufRingLayout.ENTRY_BID_OFFSET, (short) bid);
        localTail++;
        staged++;
    }

    /**
     * Hands every staged buffer to the kernel with one release store of the ring tail.
     *
     * @return the number of buffers published (0: no store made)
     */
    public int publish() {
        int count = staged;
        if (count == 0) {
            return 0;
        }
        // Pairs with the kernel's smp_load_acquire of the buf ring tail: entry writes are visible first.
        SHORT.setRelease(ringMemory, BufRingLayout.TAIL_OFFSET, (short) localTail);
        kernelOwned += count;
        staged = 0;
        return count;
    }

    /**
     * Records that the kernel consumed buffer {@code bid} (a CQE carried IORING_CQE_F_BUFFER with
     * it); the buffer now belongs to the caller.
     *
     * @param bid the buffer id from {@code flags >>> IORING_CQE_BUFFER_SHIFT}
     * @throws IndexOutOfBoundsException for a bid outside the ring
     * @throws IllegalStateException     when no buffer is kernel-owned (double report)
     */
    public void onConsumed(int bid) {
        Objects.checkIndex(bid, entries);
        if (kernelOwned == 0) {
            throw new IllegalStateException("onConsumed(bid=" + bid + "): no buffer of bgid=" + bgid
                    + " is kernel-owned");
        }
        kernelOwned--;
    }

    /**
     * Returns the buffers published to the kernel and not yet reported consumed.
     *
     * @return kernel-owned buffer count
     */
    public int kernelOwned() {
        return kernelOwned;
    }

    /**
     * Returns the buffers recycled but not yet published.
     *
     * @return staged buffer count
     */
    public int staged() {
        return staged;
    }

    /**
     * Reads the kernel's consumer head (IORING_REGISTER_PBUF_STATUS, Linux 6.8+): the number of
     * ring entries consumed so far, modulo 2^16.
     *
     * @return the head (0..65535) or -errno
     */
    public int kernelHead() {
        if (!registered) {
            return -Errno.ENOENT;
        }
        MemorySegment status = ring.registerScratch();
        status.asSlice(0, BufRingLayout.STATUS_SIZE).fill((byte) 0);
        status.set(JAVA_INT, BufRingLayout.STATUS_BUF_GROUP_OFFSET, bgid);
        int r = ring.register(IORING_REGISTER_PBUF_STATUS, status, 1);
        if (r < 0) {
            return r;
        }
        return status.get(JAVA_INT, BufRingLayout.STATUS_HEAD_OFFSET) & 0xFFFF;
    }

    /**
     * Unregisters the ring (IORING_UNREGISTER_PBUF_RING); afterwards the memory may be freed.
     * Idempotent; a no-op returning 0 when the owning ring is already closed (the kernel dropped
     * the registration then).
     *
     * @return 0 or -errno
     */
    public int unregister() {
        if (!registered) {
            return 0;
        }
        registered = false;
        if (ring.isClosed()) {
            return 0;
        }
        MemorySegment reg = ring.registerScratch();
        reg.asSlice(0, BufRingLayout.REG_SIZE).fill((byte) 0);
        reg.set(JAVA_SHORT, BufRingLayout.REG_BGID_OFFSET, (short) bgid);
        return ring.register(IORING_UNREGISTER_PBUF_RING, reg, 1);
    }

    /**
     * Same as {@link #unregister()}, ignoring the result. Idempotent.
     */
    @Override
    public void close() {
        unregister();
    }

    /**
     * Describes the accounting state.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "BufferRing[bgid=" + bgid + ", entries=" + entries + ", bufferSize=" + bufferSize
                + ", kernelOwned=" + kernelOwned + ", staged=" + staged + ", tail=" + (localTail & 0xFFFF)
                + (registered ? "" : ", unregistered") + "]";
    }
}
