package io.ringbolt.uring;

import static io.ringbolt.uring.IoUring.IORING_SQ_CQ_OVERFLOW;
import static io.ringbolt.uring.IoUring.IORING_SQ_TASKRUN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The completion side of a {@link Ring}: reads CQEs from the mmapped CQ ring and hands them to a
 * {@link CqeHandler}, publishing the head once per batch.
 *
 * <p>Threading: <b>ring owner thread only</b>. With IORING_SETUP_DEFER_TASKRUN completions
 * become visible only after an enter with GETEVENTS ({@link Ring#submitAndWait}).
 * IORING_SETUP_CQE32 is supported (the extra 16 bytes are skipped); CQE_MIXED is not.
 */
public final class CompletionQueue {

    /**
     * Receives one CQE. Called on the ring owner thread inside {@link #reap}; the values are
     * copies, so the handler may submit and enter freely. A handler that throws ends the batch:
     * the CQE it was given counts as consumed, later ones stay for the next reap.
     */
    @FunctionalInterface
    public interface CqeHandler {

        /**
         * Handles one completion.
         *
         * @param userData the SQE's user_data
         * @param res      the result: ≥ 0 on success, -errno on failure
         * @param flags    IORING_CQE_F_* bits; the buffer id is {@code flags >>> 16} with F_BUFFER
         */
        void onCqe(long userData, int res, int flags);
    }

    private static final VarHandle INT = JAVA_INT.varHandle().withInvokeExactBehavior();

    private final MemorySegment cqRing;
    private final MemorySegment sqRing;
    private final int entries;
    private final int mask;
    private final int cqeShift;
    private final long headOffset;
    private final long tailOffset;
    private final long cqesOffset;
    private final long overflowOffset;
    private final long sqFlagsOffset;

    private int localHead;

    CompletionQueue(MemorySegment cqRing, int entries, int cqeShift, long headOffset, long tailOffset,
                    long cqesOffset, long overflowOffset, MemorySegment sqRing, long sqFlagsOffset) {
        this.cqRing = cqRing;
        this.sqRing = sqRing;
        this.entries = entries;
        this.mask = entries - 1;
        this.cqeShift = cqeShift;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.cqesOffset = cqesOffset;
        this.overflowOffset = overflowOffset;
        this.sqFlagsOffset = sqFlagsOffset;
        // Only this queue writes cq.head; the kernel starts it at 0 and never changes it.
        this.localHead = cqRing.get(JAVA_INT, headOffset);
    }

    private int kernelTail() {
        // Pairs with the kernel's smp_store_release of cq.tail after it wrote the CQE bytes.
        return (int) INT.getAcquire(cqRing, tailOffset);
    }

    /**
     * Delivers up to {@code maxCount} ready CQEs to {@code handler} in order, then publishes the
     * new head once (in a finally block, so a throwing handler cannot stall the ring; only the
     * CQEs handed out are released).
     *
     * @param handler  receives each CQE
     * @param maxCount upper bound for this batch (bounded loops); ≤ 0 reaps nothing
     * @return the number of CQEs delivered
     */
    public int reap(CqeHandler handler, int maxCount) {
        int head = localHead;
        int count = Math.min(kernelTail() - head, maxCount);
        if (count <= 0) {
            return 0;
        }
        int end = head + count;
        try {
            while (head != end) {
                long cqe = cqesOffset + ((long) (head & mask) << cqeShift);
                long userData = cqRing.get(JAVA_LONG, cqe + CqeLayout.USER_DATA_OFFSET);
                int res = cqRing.get(JAVA_INT, cqe + CqeLayout.RES_OFFSET);
                int flags = cqRing.get(JAVA_INT, cqe + CqeLayout.FLAGS_OFFSET);
                head++;
                handler.onCqe(userData, res, flags);
            }
        } finally {
            localHead = head;
            // Pairs with the kernel's read of cq.head before it reuses a slot: our CQE reads above
            // happen before the slots are handed back.
            INT.setRelease(cqRing, headOffset, head);
        }
        return count;
    }

    /**
     * Returns the number of CQEs ready to reap (no syscall; with DEFER_TASKRUN only those
     * already posted by a GETEVENTS enter).
     *
     * @return ready CQEs
     */
    public int ready() {
        return kernelTail() - localHead;
    }

    /**
     * Returns the CQ size.
     *
     * @return CQ entries
     */
    public int capacity() {
        return entries;
    }

    /**
     * Tells whether completions overflowed the CQ (IORING_SQ_CQ_OVERFLOW): reap, then enter with
     * GETEVENTS (e.g. {@code submitAndWait(0, 0)}) to flush them; nothing is lost with
     * FEAT_NODROP.
     *
     * @return true when overflowed CQEs wait in the kernel
     */
    public boolean overflowPending() {
        // Opaque: a hint bit the kernel sets atomically; no data is read on the strength of it.
        return ((int) INT.getOpaque(sqRing, sqFlagsOffset) & IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /**
     * Tells whether task work is pending (IORING_SQ_TASKRUN, needs IORING_SETUP_TASKRUN_FLAG):
     * enter with GETEVENTS to run it.
     *
     * @return true when the kernel flagged pending task work
     */
    public boolean taskrunPending() {
        // Opaque: a hint bit the kernel sets atomically; no data is read on the strength of it.
        return ((int) INT.getOpaque(sqRing, sqFlagsOffset) & IORING_SQ_TASKRUN) != 0;
    }

    /**
     * Returns the kernel's cq.overflow counter: CQEs really dropped (only without FEAT_NODROP or
     * under memory pressure, reported as -EBADR by enter).
     *
     * @return the dropped-CQE count
     */
    public int droppedCount() {
        // Opaque: a statistics counter, read without ordering needs.
        return (int) INT.getOpaque(cqRing, overflowOffset);
    }

    /**
     * Describes the CQ state for {@link Ring#toString()}.
     *
     * @return "head=.. tail=.."
     */
    String describe() {
        return "head=" + Integer.toUnsignedString(localHead) + " tail=" + Integer.toUnsignedString(kernelTail());
    }
}
