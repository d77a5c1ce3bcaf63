package io.ringbolt.engine.uring;

/**
 * What a CQE's {@code user_data} names: the reactor looks the slot up in its target table
 * (checking the generation) and hands the completion to the object found there, so a new kind
 * of operation (a datagram socket, a listener, the wakeup read) plugs in by registering a
 * target, without a case in the dispatcher. Reactor thread only.
 *
 * <p>JIT note: the dispatch call site sees several receiver classes, so it is megamorphic (an
 * itable call, a few ns). The reactor tests for {@link UringConnection} first, which keeps the
 * by far most frequent target on an inlinable, monomorphic path; the others pay the interface
 * call. Implementations must not allocate per completion.
 */
interface CompletionTarget {

    /**
     * One completion of an operation this target submitted.
     *
     * @param op    the {@code UserData.OP_*} tag the operation was submitted with
     * @param res   the CQE result (bytes, fd, 0, or -errno)
     * @param flags the CQE flags ({@code IORING_CQE_F_MORE}, {@code IORING_CQE_F_BUFFER} + bid ...)
     */
    void onCompletion(int op, int res, int flags);

    /**
     * The dispatch of a completion to this target failed (its {@link #onCompletion} threw, or
     * named an op it never submits): the target is no longer trustworthy and closes itself
     * abortively; the reactor carries on. Must not throw.
     *
     * @param op  the op of the completion that failed
     * @param res its result
     */
    void onDispatchFailure(int op, int res);
}
