package io.ringbolt.engine.uring;

/**
 * Fault injection for tests: a {@link UringReactor} with faults installed passes the result of
 * every CQE it reaps through {@link #result} before dispatching it, so a test can make a real
 * operation look as if the kernel had failed it (a connect refused, a send short or reset)
 * while the operation's real life cycle (its buffers, descriptor and slot) stays as the kernel
 * left it. Leak checks after such a run are therefore meaningful. Production code never
 * installs one; the reactor then pays one null check per CQE. Reactor thread.
 *
 * <p>Only single-shot operations may be rewritten into errors (connect, link timeout, send,
 * cancel, close): a rewritten CQE of a multishot recv that still has {@code IORING_CQE_F_MORE}
 * would contradict the kernel, which goes on delivering.
 */
@FunctionalInterface
interface CompletionFaults {

    /**
     * @param op    the {@code UserData.OP_*} tag of the CQE
     * @param res   the kernel's result
     * @param flags the CQE flags
     * @return the result to dispatch instead ({@code res} to leave it alone)
     */
    int result(int op, int res, int flags);
}
