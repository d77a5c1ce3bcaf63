package io.ringbolt.engine.runtime;

import io.ringbolt.buffer.InboundBuffer;
import io.ringbolt.buffer.OutboundBuffer;
import io.ringbolt.concurrent.TimerQueue;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.engine.Reactor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Connection state both backends share: the handler, staged output with water marks, kept
 * input, the life cycle as one state machine ({@link ConnectionState}: open, half-closed,
 * closing after the flush, lingering, closed; {@code onClose} exactly once), idle and write
 * timeouts, foreign-thread hand-off and hand-over to another handler. An outbound connection
 * starts in CONNECTING and has no handler until its backend reports the connect done
 * ({@link #onConnected()}). A backend supplies the kernel side: connecting, starting a send,
 * closing the socket, pausing reads.
 *
 * <p>All state is confined to the reactor thread; public methods called from other threads
 * hop onto it through {@link Reactor#execute}. The one exception is the life-cycle state, which
 * {@link #isOpen()} reads from any thread.
 */
public abstract class AbstractConnection implements Connection {
    private static final int CONNECTING = ConnectionState.CONNECTING;
    private static final int OPEN = ConnectionState.OPEN;
    private static final int EOF_PENDING = ConnectionState.EOF_PENDING;
    private static final int INPUT_CLOSED = ConnectionState.INPUT_CLOSED;
    private static final int OUTPUT_SHUTTING = ConnectionState.OUTPUT_SHUTTING;
    private static final int OUTPUT_SHUTTING_EOF_PENDING = ConnectionState.OUTPUT_SHUTTING_EOF_PENDING;
    private static final int OUTPUT_SHUT = ConnectionState.OUTPUT_SHUT;
    private static final int OUTPUT_SHUT_EOF_PENDING = ConnectionState.OUTPUT_SHUT_EOF_PENDING;
    private static final int CLOSING = ConnectionState.CLOSING;
    private static final int CLOSING_INPUT_CLOSED = ConnectionState.CLOSING_INPUT_CLOSED;
    private static final int LINGERING = ConnectionState.LINGERING;
    private static final int CLOSED = ConnectionState.CLOSED;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractConnection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A throwing handler is a bug, but a client may trigger it on every connection: rate-limited per class. */
    private static final RateLimitedLog HANDLER_ERRORS = new RateLimitedLog(AbstractReactor.LOG, System.Logger.Level.WARNING);

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    /** Staged output; backends send from it and report with {@link #onSendCompleted(long)}. */
    protected final OutboundBuffer out;
    private final long id;
    private final Runnable presentTask = this::presentKeptInput;
    private final HandlerFactory handlerFactory;
    /** Made by {@link Reactor#connect} rather than accepted. */
    private final boolean outbound;
    /** The connect in flight: set only in CONNECTING. */
    private ConnectAttempt attempt;
    /** Ends a connect at its deadline on backends without a kernel timeout (NIO). */
    private TimerQueue.Timer connectTimer;
    private ConnectionHandler handler;
    /** Handed over to from inside onData: becomes the handler when onData returns. */
    private ConnectionHandler pendingHandler;
    /** onData calls on the stack (a hand-over inside one waits for its consumed count). */
    private int dataDepth;
    /** Handler callbacks of any kind on the stack (bytes are then not presented synchronously). */
    private int callbackDepth;
    private InboundBuffer in;
    /**
     * A {@link ConnectionState} value. Plain reads on the reactor thread (its only writer);
     * written through {@link #setState} with a release store, which pairs with the acquire load
     * of {@link #isOpen()} on other threads.
     */
    private int state = OPEN;
    /** Why the connection closes, from the moment it entered a closing state. */
    private CloseReason closingReason;
    private TimerQueue.Timer lingerTimer;
    private boolean writable = true;
    private volatile boolean readEnabled = true;
    private boolean flushScheduled;
    /** A task presenting kept input is queued (replayKeptInput is not re-entrant and queues one at most). */
    private boolean replayScheduled;
    int registryIndex = -1;
    /** Position in the reactor's list of connects in flight, or -1. */
    int connectingIndex = -1;
    private long lastActivityNs;
    private TimerQueue.Timer idleTimer;
    /** Created when output first stays pending past a poll, then reused; pending only while output may be stuck. */
    private TimerQueue.Timer writeTimer;
    /** On the reactor's send watch list for this iteration. */
    private boolean sendWatched;
    /** When pending output last moved: a send started with nothing in flight, or bytes were sent. */
    private long sendProgressNs;
    private volatile Object attachment;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;

    /**
     * An accepted connection, OPEN from the start with the reactor's handler factory; call
     * {@link #open()} once the backend is ready.
     */
    protected AbstractConnection(AbstractReactor reactor) {
        this.reactor = reactor;
        this.id = reactor.nextConnectionId();
        this.out = new OutboundBuffer(reactor.chunkPool());
        this.handlerFactory = reactor.handlerFactory();
        this.outbound = false;
    }

    /**
     * An outbound connection in CONNECTING for {@code attempt}, registered with the reactor as
     * a connect in flight. The backend starts the connect and reports its outcome through
     * {@link #onConnected()}, {@link #onConnectFailed} or {@link #onConnectTimedOut()}.
     * Reactor thread.
     */
    protected AbstractConnection(AbstractReactor reactor, ConnectAttempt attempt) {
        this.reactor = reactor;
        this.id = reactor.nextConnectionId();
        this.out = new OutboundBuffer(reactor.chunkPool());
        this.handlerFactory = attempt.handlerFactory();
        this.outbound = true;
        this.attempt = attempt;
        this.state = CONNECTING;
        this.remote = attempt.target();
        attempt.attach(this);
        reactor.registerConnecting(this);
    }

    // ---- backend hooks ---------------------------------------------------------------------

    /** Starts sending staged output unless a send is already in flight. Reactor thread. */
    protected abstract void startSend();

    /** True while the kernel holds a send of this connection. */
    protected abstract boolean sendInFlight();

    /**
     * Closes the socket: cancel pending operations, then close. {@code abortive} asks for a
     * reset (SO_LINGER 0). The backend releases {@link #out} via {@link #releaseOutput()} once no
     * kernel operation references it. Reactor thread.
     */
    protected abstract void closeSocket(boolean abortive);

    /**
     * Shuts down the socket's sending side (FIN) while reading goes on; {@link #shutdownOutput()}
     * and the lingering close that follows a graceful local close use it, always with the output
     * flushed. May run twice on one socket (harmless). Reactor thread.
     */
    protected abstract void shutdownSocketOutput();

    /** Reading was enabled or disabled. Reactor thread. */
    protected abstract void readEnabledChanged(boolean enabled);

    /** The peer's address from the socket, or null. */
    protected abstract InetSocketAddress fetchRemoteAddress();

    /** The local address from the socket, or null. */
    protected abstract InetSocketAddress fetchLocalAddress();

    // ---- events from the backend --------------------------------------------------------------

    /**
     * Registers the connection, creates its handler and calls {@code onOpen}.
     *
     * @return false if the connection was closed during open (the handler closed it or threw);
     *     true while it is open or half-closed by the handler (its input still wanted)
     */
    protected final boolean open() {
        reactor.register(this);
        lastActivityNs = reactor.nanoTime();
        long idleNs = reactor.config.idleTimeoutNs();
        if (idleNs > 0) {
            idleTimer = reactor.timers().schedule(lastActivityNs + idleNs, this::checkIdle);
        }
        callbackDepth++;
        try {
            handler = Objects.requireNonNull(handlerFactory.newHandler(this), "handler factory returned null");
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            callbackDepth--;
        }
        if (reactor.isDraining()) {
            // Accepted after the drain began (the kernel completed it before the listener
            // closed): the client sent or is sending a request, which the handler may answer
            // before closing, as it does for every connection open when the drain began.
            notifyShutdown();
        }
        return state == OPEN || ConnectionState.isOutputShut(state);
    }

    private void setState(int next) {
        STATE.setRelease(this, next); // pairs with getAcquire in isOpen()
    }

    // ---- connecting (outbound connections) -------------------------------------------------

    /**
     * The connect succeeded: the connection opens as an accepted one does (registered, handler
     * created, {@code onOpen}), then the caller's future completes with it. If the caller gave
     * up meanwhile (cancelled the future), the socket is closed instead and no handler is made.
     * Reactor thread.
     *
     * @return true if the connection is open and the backend should start reading
     */
    protected final boolean onConnected() {
        if (state != CONNECTING) {
            return false; // aborted while the kernel finished the connect
        }
        ConnectAttempt a = attempt;
        if (a.isDone()) {
            failConnect(ConnectErrors.cancelled(a.target()));
            return false;
        }
        leaveConnecting();
        setState(OPEN);
        boolean open = open();
        a.complete(this);
        return open;
    }

    /**
     * The kernel refused or ended the connect. Reactor thread.
     *
     * @param errnoName the errno's name ({@code ECONNREFUSED}), or a description
     * @param cause     the backend's exception, or null
     */
    protected final void onConnectFailed(String errnoName, Throwable cause) {
        if (state == CONNECTING) {
            failConnect(ConnectErrors.failed(attempt.target(), errnoName, cause));
        }
    }

    /** The connect did not complete within its timeout. Reactor thread. */
    protected final void onConnectTimedOut() {
        if (state == CONNECTING) {
            failConnect(ConnectErrors.timedOut(attempt.target(), attempt.timeoutNs()));
        }
    }

    /**
     * Ends a connect in flight: the socket is closed (the backend cancels what the kernel still
     * holds) and the caller's future fails with {@code cause}. Nothing happens outside
     * CONNECTING. Reactor thread.
     */
    final void failConnect(IOException cause) {
        if (state != CONNECTING) {
            return;
        }
        ConnectAttempt a = attempt;
        leaveConnecting();
        setState(CLOSED);
        try {
            closeSocket(false);
        } finally {
            a.fail(cause);
        }
    }

    private void leaveConnecting() {
        attempt.attach(null);
        attempt = null;
        reactor.unregisterConnecting(this);
        if (connectTimer != null) {
            reactor.timers().remove(connectTimer);
            connectTimer = null;
        }
    }

    /** For backends without a kernel timeout: {@link #onConnectTimedOut()} after {@code timeoutNs}. Reactor thread. */
    protected final void armConnectTimeout(long timeoutNs) {
        connectTimer = reactor.timers().schedule(reactor.nanoTime() + timeoutNs, this::onConnectTimedOut);
    }

    /** True while the connect is in flight. */
    protected final boolean isConnecting() {
        return state == CONNECTING;
    }

    /** True for a connection made by connect rather than accepted. */
    public final boolean isOutbound() {
        return outbound;
    }

    /** The address being connected to (or connected to). */
    final InetSocketAddress connectTarget() {
        return remote;
    }

    /**
     * Delivers {@code length} received bytes at {@code offset} of {@code segment}; the handler
     * sees them in place and what it does not consume is copied aside. Reactor thread.
     */
    protected final void onReceived(MemorySegment segment, long offset, int length) {
        int s = state;
        if (s == CLOSED) {
            return;
        }
        lastActivityNs = reactor.nanoTime();
        reactor.counters().onReceived(length);
        if (s == LINGERING) {
            return; // closing: the peer's late bytes are read and dropped until its EOF
        }
        if (!readEnabled) {
            // A backend may still complete receives that were in flight when reading was
            // paused (io_uring's multishot recv). The handler asked for no onData calls, so keep
            // the bytes (bounded by max-receive-buffer) until reading resumes.
            keep(segment, offset, length);
            return;
        }
        InboundBuffer kept = in;
        try {
            if (kept == null || kept.isEmpty()) {
                int consumed = present(segment, offset, length);
                if (consumed < length && state != CLOSED) {
                    keep(segment, offset + consumed, length - consumed);
                }
            } else {
                if (!kept.append(segment, offset, length)) {
                    closeNow(CloseReason.OVERFLOW, false);
                    return;
                }
                int consumed = present(kept.segment(), kept.start(), kept.length());
                if (state != CLOSED) {
                    kept.discard(consumed);
                }
            }
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /**
     * Presents the bytes in place to the handler; when it hands the connection over from inside
     * onData, the bytes it did not consume go on to the next handler at once (after its
     * onOpen), as long as the connection stays open and reading enabled.
     *
     * @return how many bytes the handlers consumed together
     */
    private int present(MemorySegment segment, long offset, int length) {
        ByteView view = reactor.view();
        int consumed = 0;
        do {
            view.wrap(segment, offset + consumed, length - consumed);
            consumed += consume(view);
        } while (pendingHandler != null && switchHandler(pendingHandler) && consumed < length);
        return consumed;
    }

    private int consume(ByteView view) {
        dataDepth++;
        callbackDepth++;
        int consumed;
        try {
            consumed = handler.onData(this, view);
        } finally {
            dataDepth--;
            callbackDepth--;
        }
        if (consumed < 0 || consumed > view.length()) {
            throw new IllegalStateException("onData returned " + consumed + " for " + view.length() + " bytes");
        }
        return consumed;
    }

    private void keep(MemorySegment segment, long offset, int length) {
        if (in == null) {
            in = new InboundBuffer(reactor.chunkPool(), reactor.config.maxReceiveBufferBytes(), reactor.config.memoryBudget());
        }
        if (!in.append(segment, offset, length)) {
            closeNow(CloseReason.OVERFLOW, false);
        }
    }

    /** The peer sent EOF. Reactor thread. */
    protected final void onInputEnded() {
        int s = state;
        if (s == LINGERING) {
            closeNow(closingReason, false);
            return;
        }
        if (s == CLOSING) {
            setState(CLOSING_INPUT_CLOSED);
            return;
        }
        if (s != OPEN && s != OUTPUT_SHUTTING && s != OUTPUT_SHUT) {
            return; // EOF already seen, or not connected, or closed
        }
        if ((!readEnabled || s != OPEN) && in != null && !in.isEmpty()) {
            // EOF comes after the bytes kept while paused: hold it until they were presented.
            // With the output shut down the EOF ends the connection, so it waits for every kept
            // byte to be consumed even while reading is enabled (the handler declined them).
            setState(s == OPEN ? EOF_PENDING : s == OUTPUT_SHUTTING ? OUTPUT_SHUTTING_EOF_PENDING : OUTPUT_SHUT_EOF_PENDING);
            return;
        }
        if (s == OPEN) {
            setState(INPUT_CLOSED);
        } else {
            // Our output is shut down (or about to be once flushed) and now the peer's is too:
            // nothing more can move after the flush. The handler is still told, so that it can
            // pass the EOF on (a proxy), and may not reopen anything.
            closingReason = CloseReason.PEER_CLOSED;
            setState(CLOSING_INPUT_CLOSED);
        }
        callbackDepth++;
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            callbackDepth--;
        }
        if (s == OUTPUT_SHUT && state != CLOSED) {
            closeNow(CloseReason.PEER_CLOSED, false); // both FINs exchanged, nothing left to send
        }
    }

    /** The kernel accepted {@code bytes} of staged output. Reactor thread. */
    protected final void onSendCompleted(long bytes) {
        out.consume(bytes);
        reactor.counters().onSent(bytes);
        lastActivityNs = reactor.nanoTime();
        if (bytes > 0) {
            sendProgressNs = lastActivityNs;
        }
        if (state == CLOSED) {
            return;
        }
        if (!writable && out.readableBytes() <= reactor.config.writeLowWaterMark()) {
            writable = true;
            notifyWritability(true);
        }
        if (!out.isEmpty()) {
            watchSend(); // a partial send: the rest may stall
            startSend();
        } else if (state == CLOSING || state == CLOSING_INPUT_CLOSED) {
            finishClose(closingReason);
        } else if (state == OUTPUT_SHUTTING || state == OUTPUT_SHUTTING_EOF_PENDING) {
            sendFin();
        }
    }

    /** A socket error ended the connection. Reactor thread. */
    protected final void onFailed(CloseReason reason) {
        closeNow(reason, true);
    }

    /** Returns the output chunks to the pool; the backend calls it once the kernel is done. */
    protected final void releaseOutput() {
        out.release();
    }

    // ---- writing --------------------------------------------------------------------------------

    @Override
    public final boolean write(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (!reactor.inReactorThread()) {
            if (!isOpen()) {
                return false;
            }
            byte[] copy = Arrays.copyOfRange(src, offset, offset + length);
            reactor.execute(() -> {
                if (write(copy, 0, copy.length)) {
                    flush();
                }
            });
            return true;
        }
        if (!ConnectionState.isOpen(state)) {
            return false;
        }
        out.write(src, offset, length);
        afterWrite();
        return true;
    }

    @Override
    public final boolean write(ByteBuffer src) {
        if (!reactor.inReactorThread()) {
            if (!isOpen()) {
                return false;
            }
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            reactor.execute(() -> {
                if (write(copy, 0, copy.length)) {
                    flush();
                }
            });
            return true;
        }
        if (!ConnectionState.isOpen(state)) {
            return false;
        }
        out.write(src);
        afterWrite();
        return true;
    }

    @Override
    public final boolean write(ByteView src, int offset, int length) {
        if (!reactor.inReactorThread()) {
            throw new IllegalStateException("write(ByteView): reactor thread only");
        }
        Objects.checkFromIndexSize(offset, length, src.length());
        if (!ConnectionState.isOpen(state)) {
            return false;
        }
        out.write(src.segment(), src.segmentOffset() + offset, length);
        afterWrite();
        return true;
    }

    private void afterWrite() {
        if (writable && out.readableBytes() > reactor.config.writeHighWaterMark()) {
            writable = false;
            notifyWritability(false);
        }
    }

    private void notifyWritability(boolean value) {
        callbackDepth++;
        try {
            handler.onWritabilityChanged(this, value);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            callbackDepth--;
        }
    }

    @Override
    public final void flush() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::flush);
            return;
        }
        if (!flushScheduled && state != CLOSED && !out.isEmpty()) {
            flushScheduled = true;
            reactor.scheduleFlush(this);
        }
    }

    final void runFlush() {
        flushScheduled = false;
        if (state != CLOSED && !out.isEmpty() && !sendInFlight()) {
            sendProgressNs = reactor.nanoTime(); // a send starts with nothing in flight: output moves as of now
            watchSend();
            startSend();
        }
    }

    /** Asks the reactor to look at this connection's output after its poll (see armWriteTimerIfPending). */
    private void watchSend() {
        if (!sendWatched && reactor.writeTimeoutNs != 0 && (writeTimer == null || !writeTimer.isPending())) {
            sendWatched = true;
            reactor.watchSend(this);
        }
    }

    /**
     * After a poll: output still pending gets the write timer, unless it is armed already. It is
     * not cancelled when the output drains but disarms when it fires and finds nothing pending,
     * so a connection with a slow peer re-arms it at most once per timeout period, and one whose
     * sends complete within the poll never arms it.
     */
    final void armWriteTimerIfPending() {
        sendWatched = false;
        if (!waitsOnPeer()) {
            return;
        }
        long deadlineNs = sendProgressNs + reactor.writeTimeoutNs;
        if (writeTimer == null) {
            writeTimer = reactor.timers().schedule(deadlineNs, this::checkSendProgress);
        } else if (!writeTimer.isPending()) {
            reactor.timers().reschedule(writeTimer, deadlineNs);
        }
    }

    private void checkSendProgress() {
        if (!outputPending()) {
            return; // disarmed until the next send starts
        }
        long deadlineNs = sendProgressNs + reactor.writeTimeoutNs;
        if (System.nanoTime() - deadlineNs >= 0) {
            // The peer has not taken a byte for the whole timeout; what is staged can never be
            // delivered in time, so reset rather than wait for a FIN it will not read either.
            closeNow(CloseReason.WRITE_TIMEOUT, true);
        } else {
            reactor.timers().reschedule(writeTimer, deadlineNs);
        }
    }

    /**
     * Output whose progress depends on the peer: a send in flight, or staged output no flush is
     * scheduled for. Output staged after the last send completed goes out with the flush already
     * scheduled, which watches it again.
     */
    private boolean waitsOnPeer() {
        return state != CLOSED && (sendInFlight() || (!out.isEmpty() && !flushScheduled));
    }

    private boolean outputPending() {
        return state != CLOSED && (!out.isEmpty() || sendInFlight());
    }

    @Override
    public final long pendingWriteBytes() {
        return out.readableBytes();
    }

    @Override
    public final boolean isWritable() {
        return writable;
    }

    // ---- reading ----------------------------------------------------------------------------------

    @Override
    public final void setReadEnabled(boolean enabled) {
        if (!reactor.inReactorThread()) {
            reactor.execute(() -> setReadEnabled(enabled));
            return;
        }
        if (readEnabled != enabled) {
            readEnabled = enabled;
            if (state != CLOSED) {
                readEnabledChanged(enabled);
                if (enabled && !replayScheduled && (ConnectionState.eofPending(state) || (in != null && !in.isEmpty()))) {
                    // Kept bytes may hold requests the handler declined while paused, and the
                    // peer may send nothing more until they are answered: present them again.
                    // As a task, so that onData is never re-entered from inside a callback.
                    replayScheduled = true;
                    reactor.execute(presentTask);
                }
            }
        }
    }

    @Override
    public final void replayKeptInput() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::replayKeptInput);
            return;
        }
        if (!replayScheduled && state != CLOSED && readEnabled && (ConnectionState.eofPending(state) || (in != null && !in.isEmpty()))) {
            replayScheduled = true;
            reactor.execute(presentTask);
        }
    }

    private void presentKeptInput() {
        replayScheduled = false;
        InboundBuffer kept = in;
        if (state == CLOSED || !readEnabled) {
            return;
        }
        if (kept != null && !kept.isEmpty()) {
            try {
                int consumed = present(kept.segment(), kept.start(), kept.length());
                if (state != CLOSED) {
                    kept.discard(consumed);
                }
            } catch (Throwable t) {
                handlerFailed(t);
                return;
            }
        }
        int s = state;
        if (ConnectionState.eofPending(s) && readEnabled && (s == EOF_PENDING || in == null || in.isEmpty())) {
            setState(s == EOF_PENDING ? OPEN : s == OUTPUT_SHUTTING_EOF_PENDING ? OUTPUT_SHUTTING : OUTPUT_SHUT);
            onInputEnded(); // the kept bytes went first; now the EOF
        }
    }

    @Override
    public final boolean isReadEnabled() {
        return readEnabled;
    }

    // ---- hand-over -------------------------------------------------------------------------------

    @Override
    public final boolean handOver(ConnectionHandler next) {
        Objects.requireNonNull(next, "next");
        if (!reactor.inReactorThread()) {
            throw new IllegalStateException("handOver: reactor thread only");
        }
        if (!ConnectionState.isOpen(state)) {
            return false;
        }
        if (dataDepth > 0) {
            // Inside onData: the old handler has yet to say how much it consumed; present()
            // switches when it returns and goes on with the rest.
            pendingHandler = next;
            return true;
        }
        if (switchHandler(next)) {
            if (ConnectionState.eofPending(state) || (in != null && !in.isEmpty())) {
                if (callbackDepth == 0) {
                    presentKeptInput(); // e.g. from a task: the kept bytes reach next at once
                } else if (!replayScheduled) {
                    // Inside another callback of the old handler: not re-entering onData from
                    // there, the bytes follow as a task (before any byte received later).
                    replayScheduled = true;
                    reactor.execute(presentTask);
                }
            }
        }
        return true;
    }

    /**
     * Makes {@code next} the handler and calls its onOpen; dropped if the connection stopped
     * being open meanwhile (the old handler keeps it and gets onClose). An EOF the old handler
     * was told is owed to the new one, after the kept bytes.
     *
     * @return whether bytes may go on to the new handler now
     */
    private boolean switchHandler(ConnectionHandler next) {
        pendingHandler = null;
        if (!ConnectionState.isOpen(state)) {
            return false;
        }
        handler = next;
        if (state == INPUT_CLOSED) {
            setState(EOF_PENDING);
        }
        callbackDepth++;
        try {
            next.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            callbackDepth--;
        }
        int s = state;
        return s != CLOSED && s != LINGERING && readEnabled;
    }

    /** True once the peer's EOF arrived (until the connection is closed). */
    protected final boolean isInputClosed() {
        return ConnectionState.peerEofSeen(state);
    }

    // ---- closing ------------------------------------------------------------------------------------

    @Override
    public final boolean isOpen() {
        return ConnectionState.isOpen((int) STATE.getAcquire(this)); // pairs with setRelease in setState
    }

    /** True once {@link #closeNow} ran (the socket is closing or closed). */
    protected final boolean isClosed() {
        return state == CLOSED;
    }

    @Override
    public final void close() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::close);
            return;
        }
        closeAfterFlush(state == INPUT_CLOSED ? CloseReason.PEER_CLOSED : CloseReason.LOCAL);
    }

    @Override
    public final void abort() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::abort);
            return;
        }
        closeNow(CloseReason.LOCAL, true);
    }

    private void closeAfterFlush(CloseReason reason) {
        int s = state;
        if (!ConnectionState.isOpen(s) && !ConnectionState.isOutputShut(s)) {
            return;
        }
        if (out.isEmpty() && !sendInFlight()) {
            finishClose(reason);
            return;
        }
        closingReason = reason;
        setState(s == OPEN || s == OUTPUT_SHUTTING || s == OUTPUT_SHUT ? CLOSING : CLOSING_INPUT_CLOSED);
        flush();
    }

    @Override
    public final void shutdownOutput() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::shutdownOutput);
            return;
        }
        int s = state;
        if (s == INPUT_CLOSED) {
            closeAfterFlush(CloseReason.PEER_CLOSED); // the peer's side is shut already: both are done after the flush
            return;
        }
        if (s != OPEN && s != EOF_PENDING) {
            return; // shut down already, closing or closed
        }
        if (out.isEmpty() && !sendInFlight()) {
            sendFin();
        } else {
            setState(s == OPEN ? OUTPUT_SHUTTING : OUTPUT_SHUTTING_EOF_PENDING);
            flush();
        }
    }

    /** Output is flushed after shutdownOutput(): FIN, while input keeps reaching the handler. */
    private void sendFin() {
        setState(ConnectionState.eofPending(state) ? OUTPUT_SHUT_EOF_PENDING : OUTPUT_SHUT);
        shutdownSocketOutput();
    }

    /**
     * Output is flushed. Closing now while the peer still sends makes the kernel answer with a
     * reset that can destroy the response the peer has not read yet, so unless the peer already
     * sent EOF: send FIN, read and drop until its EOF or the linger timeout, then close.
     */
    private void finishClose(CloseReason reason) {
        long lingerNs = reactor.config.lingerTimeoutNs();
        if (ConnectionState.peerEofSeen(state) || lingerNs == 0) {
            closeNow(reason, false);
            return;
        }
        closingReason = reason;
        setState(LINGERING);
        if (in != null) {
            in.release();
        }
        shutdownSocketOutput();
        if (!readEnabled) {
            readEnabled = true;
            readEnabledChanged(true);
        }
        lingerTimer = reactor.timers().schedule(reactor.nanoTime() + lingerNs, () -> closeNow(closingReason, false));
    }

    final void notifyShutdown() {
        if (!ConnectionState.isOpen(state) && !ConnectionState.isOutputShut(state)) {
            return;
        }
        callbackDepth++;
        try {
            handler.onShutdown(this);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            callbackDepth--;
        }
    }

    /**
     * Closes at once (pending output is dropped) and tells the handler, exactly once.
     * Reactor thread.
     */
    protected final void closeNow(CloseReason reason, boolean abortive) {
        if (state == CLOSED) {
            return;
        }
        if (state == CONNECTING) {
            failConnect(new ConnectException("connect to " + remote + " failed: closed (" + reason + ")"));
            return;
        }
        setState(CLOSED);
        pendingHandler = null;
        if (idleTimer != null) {
            reactor.timers().remove(idleTimer);
            idleTimer = null;
        }
        if (lingerTimer != null) {
            reactor.timers().remove(lingerTimer);
            lingerTimer = null;
        }
        if (writeTimer != null) {
            reactor.timers().remove(writeTimer);
            writeTimer = null;
        }
        reactor.unregister(this, reason);
        if (in != null) {
            in.release();
        }
        try {
            closeSocket(abortive);
        } finally {
            ConnectionHandler h = handler;
            if (h != null) {
                try {
                    h.onClose(this, reason);
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    reactor.countHandlerError();
                    AbstractReactor.LOG.log(System.Logger.Level.WARNING, "connection " + id + ": onClose threw", t);
                }
            }
        }
    }

    /** A handler callback threw: log once, count, close. */
    protected final void handlerFailed(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        reactor.countHandlerError();
        int key = t.getClass().hashCode();
        if (HANDLER_ERRORS.isDue(key)) {
            HANDLER_ERRORS.log(key, "connection " + id + " (" + remoteAddress() + "): handler threw; closing it", t);
        }
        closeNow(CloseReason.HANDLER_ERROR, false);
    }

    private void checkIdle() {
        if (state == CLOSED) {
            return;
        }
        long idleNs = reactor.config.idleTimeoutNs();
        long now = System.nanoTime();
        if (now - lastActivityNs >= idleNs) {
            idleTimer = null;
            closeNow(CloseReason.IDLE_TIMEOUT, false);
        } else {
            reactor.timers().reschedule(idleTimer, lastActivityNs + idleNs);
        }
    }

    // ---- identity -------------------------------------------------------------------------------------

    @Override
    public final long id() {
        return id;
    }

    @Override
    public final Reactor reactor() {
        return reactor;
    }

    @Override
    public final InetSocketAddress remoteAddress() {
        InetSocketAddress a = remote;
        if (a == null && state != CLOSED) {
            a = fetchRemoteAddress();
            remote = a;
        }
        return a;
    }

    @Override
    public final InetSocketAddress localAddress() {
        InetSocketAddress a = local;
        if (a == null && state != CLOSED) {
            a = fetchLocalAddress();
            local = a;
        }
        return a;
    }

    @Override
    public final Object attachment() {
        return attachment;
    }

    @Override
    public final void attach(Object value) {
        this.attachment = value;
    }

    @Override
    public String toString() {
        return "Connection[id=" + id + ", remote=" + remote + ", state=" + ConnectionState.name(state)
                + ", pending=" + out.readableBytes() + "]";
    }
}
