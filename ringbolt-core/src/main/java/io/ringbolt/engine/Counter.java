package io.ringbolt.engine;

/**
 * The engine's counters, read from an {@link EngineMetrics} snapshot with
 * {@link EngineMetrics#get(Counter)}. New counters are added as new constants, so callers that
 * read by name keep compiling. Backend-specific counters stay 0 on the other backend.
 */
public enum Counter {
    /** Connections open now, accepted and outbound (a gauge, not monotonic). */
    CONNECTIONS_OPEN(true, "Connections open now, accepted and outbound"),
    /** Connections accepted since start. */
    CONNECTIONS_ACCEPTED(false, "Connections accepted since start"),
    /** Outbound connections opened since start. */
    CONNECTIONS_CONNECTED(false, "Outbound connections opened since start"),
    /** Outbound connects that failed (refused, unreachable, timed out, cancelled, engine stopping). */
    CONNECT_FAILED(false, "Outbound connects that failed"),
    /** Connections closed since start, whatever the reason (see {@link EngineMetrics#closed(CloseReason)}). */
    CONNECTIONS_CLOSED(false, "Connections closed since start"),
    /** Accepted connections closed at once because a reactor was full. */
    CONNECTIONS_REJECTED(false, "Accepted connections refused because a reactor was full"),
    /** Handler or task exceptions caught by reactors. */
    HANDLER_ERRORS(false, "Handler or task exceptions caught by reactors"),
    /** Bytes delivered to handlers. */
    BYTES_RECEIVED(false, "Bytes delivered to handlers"),
    /** Bytes the kernel accepted for sending. */
    BYTES_SENT(false, "Bytes the kernel accepted for sending"),
    /** io_uring: submission queue entries the kernel consumed. */
    URING_SUBMISSIONS(false, "io_uring submission queue entries consumed by the kernel"),
    /** io_uring: io_uring_enter system calls made by reactors. */
    URING_ENTER_CALLS(false, "io_uring_enter system calls made by reactors"),
    /** io_uring: completion queue entries reaped by reactors. */
    URING_COMPLETIONS(false, "io_uring completion queue entries reaped by reactors"),
    /** io_uring: receives that found the provided-buffer ring empty (ENOBUFS). */
    URING_BUFFER_EXHAUSTED(false, "io_uring receives that found the provided-buffer ring empty (ENOBUFS)"),
    /** io_uring: multishot receives re-armed after they ended (ENOBUFS, pause, kernel end). */
    URING_RECV_REARMS(false, "io_uring multishot receives re-armed after they ended"),
    /** NIO: Selector select calls. */
    NIO_SELECTS(false, "NIO selector select calls"),
    /** Timers that fired on reactor threads (idle, write, linger, connect and application timers). */
    TIMERS_FIRED(false, "Timers that fired on reactor threads"),
    /** Tasks run from the reactors' task queues (work handed over from other threads, or deferred). */
    TASKS_RUN(false, "Tasks run from the reactors' task queues");

    private final boolean gauge;
    private final String description;

    Counter(boolean gauge, String description) {
        this.gauge = gauge;
        this.description = description;
    }

    /** True for a value that goes up and down (a gauge); false for a monotonic count. */
    public boolean isGauge() {
        return gauge;
    }

    /** One line saying what is counted, for metric help texts. */
    public String description() {
        return description;
    }
}
