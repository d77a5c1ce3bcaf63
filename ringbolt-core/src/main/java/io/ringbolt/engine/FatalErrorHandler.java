package io.ringbolt.engine;

/**
 * What happens when a reactor cannot go on: an {@link Error} escaped it (OutOfMemoryError,
 * StackOverflowError) or a bug broke its loop. Such a reactor has stopped serving its
 * connections, so a process that lives on would be a zombie that holds its port and its
 * descriptors while answering nothing. The default, {@link #exitProcess()}, ends the process
 * with a non-zero status so that a supervisor (systemd, Kubernetes) restarts it.
 *
 * <p>Called on the failed reactor's thread, once per failed reactor, after its connections
 * were closed as far as that was still possible.
 */
@FunctionalInterface
public interface FatalErrorHandler {
    /** Exit status of {@link #exitProcess()}: EX_SOFTWARE from sysexits.h. */
    int EXIT_STATUS = 70;

    /**
     * @param threadName the failed reactor's thread
     * @param error      what ended it
     */
    void onFatalError(String threadName, Throwable error);

    /**
     * Writes one line to stderr and halts the JVM with {@link #EXIT_STATUS}. It halts rather
     * than exits: shutdown hooks would wait for a graceful drain that a dead reactor can never
     * finish, and after an OutOfMemoryError they may not run at all.
     */
    static FatalErrorHandler exitProcess() {
        return FatalErrors.EXIT_PROCESS;
    }
}
