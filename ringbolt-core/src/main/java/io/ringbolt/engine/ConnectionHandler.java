package io.ringbolt.engine;

/**
 * The application side of one connection. Every method is called on the connection's reactor
 * thread, one at a time, and must not block: hand blocking work to another thread and come back
 * through {@link Reactor#execute}. A method that throws closes the connection with
 * {@link CloseReason#HANDLER_ERROR}; the reactor keeps serving the others.
 */
public interface ConnectionHandler {

    /**
     * The connection is open (accepted, or connected by {@link Engine#connect}), or was just
     * handed to this handler ({@link Connection#handOver}); the handler may write immediately.
     */
    default void onOpen(Connection connection) {}

    /**
     * Bytes arrived. {@code data} is valid only until this method returns (it points into a
     * kernel-provided buffer that goes back to the kernel afterwards); copy what must outlive
     * the call. Bytes not consumed are kept and presented again, followed by the next bytes
     * received, on the next call.
     *
     * @return how many bytes from the start of {@code data} were consumed, 0 to {@code data.length()}
     */
    int onData(Connection connection, ByteView data);

    /**
     * The pending output crossed the high water mark (false) or fell below the low water mark
     * (true). A handler that produces output from input typically calls
     * {@link Connection#setReadEnabled(boolean)} with the same value.
     */
    default void onWritabilityChanged(Connection connection, boolean writable) {}

    /**
     * The peer shut down its sending side (EOF). The default flushes what was written and
     * closes ({@link Connection#close()}); override to keep writing on a half-closed connection
     * (and end it with {@link Connection#shutdownOutput()} or {@link Connection#close()}). If
     * this side had already called {@code shutdownOutput()}, both directions are done: the
     * connection closes after this call whatever the handler does.
     */
    default void onInputClosed(Connection connection) {
        connection.close();
    }

    /**
     * The engine is stopping gracefully. The default closes after pending output is flushed;
     * a protocol handler may first finish the request in progress, then close.
     */
    default void onShutdown(Connection connection) {
        connection.close();
    }

    /** The connection closed; called exactly once, after which nothing else is called. */
    default void onClose(Connection connection, CloseReason reason) {}
}
