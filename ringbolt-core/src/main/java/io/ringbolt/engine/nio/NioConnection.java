package io.ringbolt.engine.nio;

import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.runtime.AbstractConnection;
import io.ringbolt.engine.runtime.ConnectAttempt;
import io.ringbolt.engine.runtime.ConnectErrors;
import io.ringbolt.engine.runtime.UnexpectedErrors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection on a non-blocking {@link SocketChannel}. Reads into the reactor's shared read
 * buffer while the channel is readable (bounded per event); sends with gathering writes
 * straight from the staged output chunks until the socket would block, then waits for
 * OP_WRITE. An outbound one first waits for OP_CONNECT, with a reactor timer for its timeout.
 * Reactor thread only.
 */
final class NioConnection extends AbstractConnection implements NioSelectable {
    /** Reads per readiness event before yielding to other connections. */
    private static final int MAX_READS_PER_EVENT = 16;
    /** Write calls per send before yielding (the socket is then watched for OP_WRITE). */
    private static final int MAX_WRITES_PER_SEND = 16;

    private final NioReactor nio;
    private final SocketChannel channel;
    private final SelectionKey key;
    /** OP_WRITE is armed: the socket buffer was full and the rest waits for room. */
    private boolean waitingForWrite;
    /** Inside {@link #startSend()}: a nested call (from onSendCompleted) must not recurse. */
    private boolean sending;
    /** EOF was read; OP_READ stays off for good, as the channel would report EOF forever. */
    private boolean inputShutdown;

    NioConnection(NioReactor reactor, SocketChannel channel, SelectionKey key) {
        super(reactor);
        this.nio = reactor;
        this.channel = channel;
        this.key = key;
    }

    /** An outbound connection whose non-blocking connect is in flight (or has just succeeded). */
    NioConnection(NioReactor reactor, SocketChannel channel, SelectionKey key, ConnectAttempt attempt) {
        super(reactor, attempt);
        this.nio = reactor;
        this.channel = channel;
        this.key = key;
    }

    /** Opens the connection (handler creation and {@code onOpen}). */
    void start() {
        open();
    }

    void armConnectTimer(long timeoutNs) {
        armConnectTimeout(timeoutNs);
    }

    /** OP_CONNECT fired (or connect returned at once): finish it, then open or fail. */
    void finishConnect() {
        try {
            if (!channel.finishConnect()) {
                return; // spurious readiness: still connecting
            }
        } catch (IOException | RuntimeException e) {
            onConnectFailed(ConnectErrors.errnoNameOf(e), e);
            return;
        }
        onConnected();
        // From OP_CONNECT (which a connected socket would report ready forever) to what the
        // handler wants now; a no-op once closed (the key is cancelled).
        updateInterest();
    }

    @Override
    public void onReady(int readyOps) {
        try {
            dispatchReady(readyOps);
        } catch (RuntimeException e) {
            // Handler exceptions are caught where handlers are called; this is the backend's
            // own fault on this connection (e.g. a cancelled key): it closes, the reactor runs on.
            UnexpectedErrors.shared().report(this, "readiness", e.getClass().getSimpleName(), e);
            if (!isClosed()) {
                onFailed(CloseReason.ERROR);
            }
        }
    }

    private void dispatchReady(int readyOps) {
        if (isConnecting()) {
            if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
                finishConnect();
            }
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            onWritable();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !isClosed()) {
            onReadable();
        }
    }

    // ---- reading ----------------------------------------------------------------------------------

    private void onReadable() {
        ByteBuffer buf = nio.readBuffer();
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
                if (!isReadEnabled() || inputShutdown) {
                    return; // a handler paused reading during this event
                }
                buf.clear();
                int n = channel.read(buf);
                if (n > 0) {
                    onReceived(nio.readSegment(), 0, n);
                    if (isClosed() || n < buf.capacity()) {
                        return; // a short read means the socket buffer is empty
                    }
                } else if (n == 0) {
                    return;
                } else {
                    inputShutdown = true;
                    updateInterest();
                    onInputEnded();
                    return;
                }
            }
        } catch (IOException e) {
            onIoFailed("recv", e);
        }
    }

    // ---- sending ----------------------------------------------------------------------------------

    @Override
    protected void startSend() {
        if (sending || waitingForWrite || isClosed()) {
            return;
        }
        sending = true;
        ByteBuffer[] bufs = nio.gatherBuffers();
        try {
            for (int i = 0; !isClosed() && !out.isEmpty(); i++) {
                if (i == MAX_WRITES_PER_SEND) {
                    awaitWritable(); // still writable: the selector reports it on the next poll
                    return;
                }
                int count = out.fillNioBuffers(bufs);
                long requested = 0;
                for (int b = 0; b < count; b++) {
                    requested += bufs[b].remaining();
                }
                // One chunk (the common case: a response or an echo) takes the plain write, which
                // skips the JDK's iovec wrapping of a gathering write.
                long written = count == 1 ? channel.write(bufs[0]) : channel.write(bufs, 0, count);
                if (written > 0) {
                    // May call startSend() again (returns at once: sending), change
                    // writability, or finish a pending close.
                    onSendCompleted(written);
                }
                if (written < requested) {
                    if (!isClosed() && !out.isEmpty()) {
                        awaitWritable();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            onIoFailed("send", e);
        } finally {
            sending = false;
        }
    }

    @Override
    protected boolean sendInFlight() {
        return waitingForWrite;
    }

    private void awaitWritable() {
        waitingForWrite = true;
        updateInterest();
    }

    private void onWritable() {
        if (isClosed()) {
            return;
        }
        waitingForWrite = false;
        startSend();
        if (!waitingForWrite && !isClosed()) {
            updateInterest(); // everything went out: stop watching OP_WRITE
        }
    }

    // ---- interest, closing, addresses -----------------------------------------------------------

    @Override
    protected void readEnabledChanged(boolean enabled) {
        updateInterest();
    }

    private void updateInterest() {
        if (!key.isValid()) {
            return;
        }
        int ops = (isReadEnabled() && !inputShutdown ? SelectionKey.OP_READ : 0)
                | (waitingForWrite ? SelectionKey.OP_WRITE : 0);
        key.interestOps(ops); // the JDK skips the epoll_ctl when ops did not change
    }

    @Override
    protected void shutdownSocketOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // Already reset or closed by the peer: the close that follows still releases it.
        }
    }

    @Override
    protected void closeSocket(boolean abortive) {
        if (abortive) {
            try {
                // Linger 0: close sends RST instead of FIN and drops unsent bytes.
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // The socket may already be reset; closing still releases it.
            }
        }
        waitingForWrite = false;
        // The JDK defers the fd close of a registered channel until the selector drops the
        // cancelled key, which it does at the start of the next select on this thread.
        key.cancel();
        ListenSockets.closeQuietly(channel);
        releaseOutput(); // no kernel operation holds the chunks once write() has returned
    }

    @Override
    protected InetSocketAddress fetchRemoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected InetSocketAddress fetchLocalAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes after a failed read or write; what the peer did not cause is reported as unexpected. */
    private void onIoFailed(String operation, IOException e) {
        CloseReason reason = reasonOf(e);
        if (reason == CloseReason.ERROR) {
            UnexpectedErrors.shared().report(this, operation, ConnectErrors.errnoNameOf(e), e);
        }
        onFailed(reason);
    }

    /** ECONNRESET and EPIPE are the peer's doing; anything else is an error. */
    private static CloseReason reasonOf(IOException e) {
        String m = e.getMessage();
        if (m != null && (m.contains("Connection reset") || m.contains("Broken pipe"))) {
            return CloseReason.RESET;
        }
        return CloseReason.ERROR;
    }
}
