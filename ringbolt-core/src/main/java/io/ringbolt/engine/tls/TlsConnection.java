package io.ringbolt.engine.tls;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Reactor;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * TLS on one connection, as a layer between the engine and an application handler: to the
 * engine it is the {@link ConnectionHandler} (TLS records in, TLS records out); to the
 * application handler it is the {@link Connection} (plaintext in, plaintext out), with the same
 * contract as the engine's own: bytes presented in place, what the handler does not consume is
 * kept and presented again, writes staged until {@link #flush()}, back-pressure, pausing reads,
 * {@code onClose} exactly once.
 *
 * <p>The JDK's {@link SSLEngine} does the protocol. Received records are unwrapped as soon as
 * they are complete; staged plaintext is wrapped into records (up to 16 KiB each) at
 * {@link #flush()}, so a response written in pieces leaves in as few records as possible.
 * {@link #close()} sends {@code close_notify} after the pending output; a peer's
 * {@code close_notify} (or a bare EOF) reaches the handler as {@code onInputClosed}. A handshake
 * or record failure sends the alert the engine produced and closes the connection; the handler
 * sees {@link CloseReason#ERROR}. Delegated handshake tasks (signatures) run on the reactor
 * thread.
 *
 * <p>Server side ({@link TlsContext#wrap}), the application handler is opened at once and what
 * it writes before the handshake is done waits for it. Client side ({@link TlsClient}), a
 * {@link ClientHandshake} stands in for the handler until the handshake is done and only then
 * makes and opens the real one; a failed handshake never reaches the application.
 *
 * <p>Client-initiated renegotiation is refused: once the handshake of a TLS 1.2 (or older)
 * connection is done, an unwrap that leaves the engine handshaking again means the peer sent a
 * new ClientHello, and the connection is closed with {@link CloseReason#ERROR}. If the JDK was
 * asked to refuse too (see {@link TlsContext}), its check of the ClientHello runs first and
 * sends a fatal {@code handshake_failure} alert; otherwise the engine's handshake work is never
 * started and the peer gets a {@code close_notify}. TLS 1.3 has no renegotiation, and its
 * post-handshake messages (KeyUpdate, NewSessionTicket) are not looked at. A client refuses a
 * server's renegotiation (HelloRequest) the same way, by closing.
 *
 * <p>Records are unwrapped from and into buffers shared by the reactor thread's connections;
 * a connection keeps a buffer of its own only for an incomplete record or for plaintext its
 * handler left unconsumed, plus the plaintext staged between a write and its flush.
 *
 * <p>Reactor thread, except the {@link Connection} methods documented as any-thread, which hop
 * onto it as the engine's do.
 */
final class TlsConnection implements SecureConnection, ConnectionHandler {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine.tls");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * Decrypted bytes a handler may leave unconsumed before the connection is closed with
     * {@link CloseReason#OVERFLOW}: the engine's default max-receive-buffer.
     */
    private static final int MAX_KEPT_PLAINTEXT = 8 * 1024 * 1024;
    /** Staged plaintext buffers bigger than this are dropped once flushed. */
    private static final int RETAIN_OUT_BYTES = 256 * 1024;
    /**
     * Record-sized buffers shared by the connections of one reactor thread: received records
     * are unwrapped from and into these, and only what must outlive the pump (an incomplete
     * record, plaintext the handler left unconsumed) is copied into a buffer of the connection's
     * own. An idle TLS connection holds no buffer. One pump runs at a time per thread.
     */
    private static final class Scratch {
        ByteBuffer netIn;
        ByteBuffer appIn;
        ByteBuffer netOut;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Connection raw;
    private final SSLEngine engine;
    /** The application handler: plaintext in and out. Replaced by {@link #handOver}. */
    private ConnectionHandler inner;
    /** Handed over to from inside the inner handler's onData: takes over when it returns. */
    private ConnectionHandler pendingInner;
    private final ByteView view = new ByteView();
    private final Runnable resumeTask = this::resume;
    /** This reactor thread's scratch buffers (the handler factory runs on the connection's reactor thread). */
    private final Scratch scratch = SCRATCH.get();
    private final int packetBytes;
    private final int appBytes;

    /** Received record bytes not yet unwrapped (write mode); the thread's scratch during a pump. */
    private ByteBuffer netIn;
    /** Decrypted bytes the handler has not consumed (write mode); the thread's scratch during a pump. */
    private ByteBuffer appIn;
    /** Plaintext staged by the handler since the last flush (write mode). */
    private ByteBuffer appOut;

    private boolean handshakeDone;
    /** The handshake is done and its protocol has renegotiation: TLS 1.2 or older. */
    private boolean renegotiable;
    /** The peer renegotiated and the JDK's own check was left to refuse it, in the delegated task. */
    private boolean jdkRefusingRenegotiation;
    private boolean innerReadEnabled = true;
    private boolean inboundDone;
    private boolean inputClosedPending;
    private boolean inputClosedDelivered;
    private boolean closing;
    /** shutdownOutput() was called: no more writes; close_notify follows the staged plaintext once the handshake is done. */
    private boolean outputShutdownRequested;
    private boolean closeNotified;
    private boolean pumping;
    private boolean pumpAgain;
    private boolean delivering;
    private CloseReason failure;
    /** The engine's exception behind {@link #failure}, if one was. */
    private SSLException failureCause;
    private volatile Object attachment;

    private TlsConnection(SSLEngine engine, Connection raw) {
        this.raw = raw;
        this.engine = engine;
        this.packetBytes = engine.getSession().getPacketBufferSize();
        this.appBytes = engine.getSession().getApplicationBufferSize();
    }

    /** An accepted connection: the handler is made now and opened before the handshake. */
    static TlsConnection server(TlsContext context, Connection raw, HandlerFactory innerFactory) {
        TlsConnection tls = new TlsConnection(context.newServerEngine(raw.remoteAddress()), raw);
        tls.inner = Objects.requireNonNull(innerFactory.newHandler(tls), "handler factory returned null");
        return tls;
    }

    /**
     * A connection of ours: {@code handshake} stands in for the handler until the handshake is
     * done, then makes the real one ({@link ClientHandshake#handshakeDone}).
     */
    static TlsConnection client(SSLEngine clientEngine, Connection raw, ClientHandshake handshake) {
        TlsConnection tls = new TlsConnection(clientEngine, raw);
        tls.inner = handshake;
        return tls;
    }

    // ---- the engine's side: TLS records ------------------------------------------------------

    @Override
    public void onOpen(Connection c) {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        inner.onOpen(this);
        if (engine.getUseClientMode()) {
            pump(); // the ClientHello
        }
    }

    @Override
    public int onData(Connection c, ByteView data) {
        int length = data.length();
        if (inboundDone || closeNotified) {
            return length; // after close_notify or a failure nothing more is read
        }
        ByteBuffer in = netIn(length);
        data.copyTo(0, in.array(), in.arrayOffset() + in.position(), length);
        in.position(in.position() + length);
        pump();
        return length;
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        if (!closeNotified) {
            inner.onWritabilityChanged(this, writable);
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        // EOF without close_notify: a truncation attack is possible, so the JDK complains; the
        // bytes already unwrapped were authentic, and the handler learns the input ended.
        if (!inboundDone) {
            inboundDone = true;
            try {
                engine.closeInbound();
            } catch (SSLException truncated) {
                LOG.log(System.Logger.Level.DEBUG, () -> "connection " + raw.id() + ": EOF without close_notify");
            }
        }
        inputEnded();
    }

    @Override
    public void onShutdown(Connection c) {
        if (!closeNotified) {
            inner.onShutdown(this);
        }
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        if (closeNotified) {
            return;
        }
        closeNotified = true;
        engine.closeOutbound();
        netIn = null;
        appIn = null;
        appOut = null;
        inner.onClose(this, failure != null ? failure : reason);
    }

    // ---- the record pump ------------------------------------------------------------------------

    /** Runs the engine until it needs more input: handshake steps, unwraps, replies. */
    private void pump() {
        if (pumping) {
            pumpAgain = true; // a handler callback inside the pump asked for more; the loop goes on
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                pumpOnce();
            } while (pumpAgain && !closeNotified && failure == null);
        } catch (SSLException e) {
            fail(e);
        } finally {
            pumping = false;
            keepOwnCopies();
        }
        raw.flush();
    }

    /** After a pump: what is left in the thread's scratch buffers moves into this connection's own. */
    private void keepOwnCopies() {
        Scratch s = scratch;
        if (netIn != null && (netIn == s.netIn || netIn.position() == 0)) {
            netIn = netIn.position() == 0 ? null : copyOf(netIn, packetBytes);
        }
        if (appIn != null && (appIn == s.appIn || appIn.position() == 0)) {
            appIn = appIn.position() == 0 ? null : copyOf(appIn, appBytes);
        }
    }

    private void pumpOnce() throws SSLException {
        boolean progress = true;
        while (progress && !closeNotified && failure == null) {
            progress = switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runDelegatedTasks();
                case NEED_WRAP -> wrap(EMPTY);
                default -> unwrap(); // NEED_UNWRAP, NEED_UNWRAP_AGAIN, NOT_HANDSHAKING
            };
            if (!handshakeDone && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && !engine.isInboundDone() && !engine.isOutboundDone()) {
                onHandshakeFinished();
            }
        }
    }

    private boolean runDelegatedTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
        return true;
    }

    private boolean unwrap() throws SSLException {
        if (inboundDone || closing || netIn == null || netIn.position() == 0) {
            return false; // after the handler's close() its peer's records are not needed
        }
        if (!innerReadEnabled && appIn != null && appIn.position() > 0 && handshakeDone) {
            return false; // the handler paused and holds decrypted bytes: leave records wrapped
        }
        ByteBuffer dst = appIn();
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, dst);
        } finally {
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (netIn.capacity() < packetBytes) {
                    netIn = grow(netIn, packetBytes);
                }
                return false; // an incomplete record: wait for more bytes
            }
            case BUFFER_OVERFLOW -> {
                if (dst.position() > 0) {
                    deliver();
                    if (appIn != null && appIn.position() > 0) {
                        if (appIn.position() + appBytes > MAX_KEPT_PLAINTEXT) {
                            failure = CloseReason.OVERFLOW; // the handler keeps more than it may
                            raw.abort();
                            return false;
                        }
                        appIn = grow(appIn, appIn.position() + appBytes);
                    }
                } else {
                    appIn = grow(appIn, appBytes);
                }
                return true;
            }
            case CLOSED -> {
                inboundDone = true; // the peer's close_notify
                deliver();
                inputEnded();
                return true; // the engine may want to wrap its own close_notify now
            }
            default -> {
            }
        }
        SSLEngineResult.HandshakeStatus status = r.getHandshakeStatus();
        if (renegotiable && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED) {
            return refuseRenegotiation();
        }
        if (status == SSLEngineResult.HandshakeStatus.FINISHED) {
            onHandshakeFinished();
        }
        if (r.bytesProduced() > 0) {
            deliver();
        }
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
    }

    /** Wraps from {@code src} (EMPTY for handshake and close messages) and writes the records. */
    private boolean wrap(ByteBuffer src) throws SSLException {
        ByteBuffer out = netOut();
        SSLEngineResult r = engine.wrap(src, out);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            scratch.netOut = ByteBuffer.allocate(Math.max(out.capacity() * 2, engine.getSession().getPacketBufferSize()));
            return true;
        }
        out.flip();
        if (out.hasRemaining()) {
            raw.write(out);
        }
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            onHandshakeFinished();
        }
        return r.getStatus() == SSLEngineResult.Status.OK && (r.bytesProduced() > 0 || r.bytesConsumed() > 0);
    }

    /** After closeOutbound: wraps what the engine still has to say (close_notify or an alert). */
    private void wrapClosingMessages() throws SSLException {
        for (int i = 0; i < 4 && !engine.isOutboundDone() && wrap(EMPTY); i++) {
            // a few records at most
        }
    }

    private void onHandshakeFinished() {
        if (handshakeDone) {
            return;
        }
        handshakeDone = true;
        renegotiable = switch (engine.getSession().getProtocol()) {
            case "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3" -> true;
            default -> false; // TLS 1.3 dropped renegotiation
        };
        if (!innerReadEnabled) {
            raw.setReadEnabled(false);
        }
        try {
            wrapStaged();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        if (outputShutdownRequested) {
            finishOutputShutdown();
        }
        if (inner instanceof ClientHandshake client) {
            client.handshakeDone(this);
        }
    }

    /** The application's handler takes over from the client's stand-in, once the handshake is done. */
    void startApplication(ConnectionHandler handler) {
        inner = handler;
        handler.onOpen(this);
    }

    /** The engine's exception that failed this connection, or null. */
    SSLException failureCause() {
        return failureCause;
    }

    /** Wraps all staged plaintext into records on the raw connection. */
    private void wrapStaged() throws SSLException {
        ByteBuffer staged = appOut;
        if (staged == null || staged.position() == 0 || !handshakeDone) {
            return;
        }
        staged.flip();
        try {
            while (staged.hasRemaining() && !engine.isOutboundDone()) {
                if (!wrap(staged) && staged.hasRemaining() && engine.getHandshakeStatus()
                        != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                    break; // the engine needs a handshake step first (e.g. a key update); the pump resumes
                }
            }
        } finally {
            staged.compact();
        }
        if (staged.position() == 0 && staged.capacity() > RETAIN_OUT_BYTES) {
            appOut = null;
        }
    }

    // ---- plaintext to the handler -----------------------------------------------------------------

    /**
     * Presents the decrypted bytes to the handler; when it hands the connection over from
     * inside onData, what it did not consume goes on to the next handler at once, after its
     * onOpen.
     */
    private void deliver() {
        while (!delivering && !closing && innerReadEnabled && !closeNotified && appIn != null && appIn.position() > 0) {
            delivering = true;
            try {
                ByteBuffer b = appIn;
                int length = b.position();
                view.wrap(MemorySegment.ofArray(b.array()), b.arrayOffset(), length);
                int consumed = inner.onData(this, view);
                if (consumed < 0 || consumed > length) {
                    throw new IllegalStateException("onData returned " + consumed + " for " + length + " bytes");
                }
                if (appIn == b && consumed > 0) {
                    b.flip().position(consumed);
                    b.compact();
                }
            } finally {
                delivering = false;
            }
            if (pendingInner == null || !switchInner(pendingInner)) {
                return;
            }
        }
    }

    /**
     * Makes {@code next} the application handler and calls its onOpen; dropped if the
     * connection is no longer open (the old handler then keeps it and gets onClose). An EOF the
     * old handler was told is owed to the new one, after the kept plaintext.
     *
     * @return whether plaintext may go on to the new handler now
     */
    private boolean switchInner(ConnectionHandler next) {
        pendingInner = null;
        if (!isOpen()) {
            return false;
        }
        inner = next;
        if (inputClosedDelivered) {
            inputClosedDelivered = false;
            inputClosedPending = true;
        }
        next.onOpen(this);
        return isOpen() && innerReadEnabled;
    }

    private void inputEnded() {
        if (inputClosedDelivered || closeNotified) {
            return;
        }
        if (!innerReadEnabled && appIn != null && appIn.position() > 0) {
            inputClosedPending = true; // after the kept bytes, when reading resumes
            return;
        }
        inputClosedPending = false;
        inputClosedDelivered = true;
        inner.onInputClosed(this);
    }

    /** Reading was re-enabled: present kept plaintext, unwrap what waited, then a pending EOF. */
    private void resume() {
        if (closeNotified || !innerReadEnabled) {
            return;
        }
        try {
            deliver();
            pump();
            if (inputClosedPending) {
                inputEnded();
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            // Outside an engine callback nobody else would close the connection: do what the
            // engine does for a throwing handler.
            LOG.log(System.Logger.Level.WARNING, "connection " + raw.id() + ": handler threw; closing it", e);
            failure = CloseReason.HANDLER_ERROR;
            raw.abort();
        }
    }

    /**
     * The peer sent a ClientHello on an established TLS 1.2 connection (the engine now wants its
     * delegated task for it). Each renegotiation would be a full handshake on the reactor thread,
     * as often as a client likes, so the connection is closed. Logged at DEBUG, as any failure a
     * client can cause.
     *
     * @return whether the pump goes on: once, to run the JDK's own check of the ClientHello
     */
    private boolean refuseRenegotiation() {
        if (engine.getUseClientMode()) {
            fail("server-initiated renegotiation refused");
            return false;
        }
        if (!jdkRefusingRenegotiation && TlsContext.jdkRejectsRenegotiation()) {
            // The task fails at its start with a handshake_failure alert, which fail() sends. If
            // the JDK read the property before it was set, the task answers the ClientHello
            // instead (one server flight's work), and the peer's next record lands here again.
            jdkRefusingRenegotiation = true;
            return true;
        }
        fail("client-initiated renegotiation refused"); // with close_notify: the JDK has no call to send an alert
        return false;
    }

    private void fail(SSLException e) {
        if (failure == null && !closeNotified) {
            failureCause = e;
        }
        fail(e.getMessage());
    }

    private void fail(String why) {
        if (failure != null || closeNotified) {
            return;
        }
        failure = CloseReason.ERROR;
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + raw.id() + " (" + raw.remoteAddress() + "): TLS failed: " + why);
        inboundDone = true;
        engine.closeOutbound();
        try {
            wrapClosingMessages(); // the alert describing the failure, if the engine has one
        } catch (SSLException again) {
            // nothing more to send
        }
        raw.close();
    }

    // ---- buffers -------------------------------------------------------------------------------------

    private ByteBuffer netIn(int more) {
        ByteBuffer b = netIn;
        if (b == null) {
            Scratch s = scratch;
            b = s.netIn;
            if (b == null || b.capacity() < Math.max(packetBytes, more)) {
                b = ByteBuffer.allocate(Math.max(packetBytes, more));
                s.netIn = b;
            }
            b.clear();
        } else if (b.remaining() < more) {
            b = grow(b, b.position() + more);
        }
        netIn = b;
        return b;
    }

    private ByteBuffer appIn() {
        if (appIn == null) {
            Scratch s = scratch;
            ByteBuffer b = s.appIn;
            if (b == null || b.capacity() < appBytes) {
                b = ByteBuffer.allocate(appBytes);
                s.appIn = b;
            }
            appIn = b.clear();
        }
        return appIn;
    }

    private ByteBuffer netOut() {
        Scratch s = scratch;
        ByteBuffer b = s.netOut;
        if (b == null || b.capacity() < packetBytes) {
            b = ByteBuffer.allocate(packetBytes);
            s.netOut = b;
        }
        return b.clear();
    }

    /** A buffer of this connection's own holding {@code b}'s bytes, with room to grow. */
    private static ByteBuffer copyOf(ByteBuffer b, int minCapacity) {
        ByteBuffer own = ByteBuffer.allocate(Math.max(minCapacity, b.position()));
        b.flip();
        own.put(b);
        b.clear();
        return own;
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        return copyOf(b, Math.max(b.capacity() * 2, atLeast));
    }

    /** The staging buffer, with room for {@code length} more bytes. */
    private ByteBuffer stage(int length) {
        ByteBuffer b = appOut;
        if (b == null) {
            b = ByteBuffer.allocate(Math.max(appBytes, length));
        } else if (b.remaining() < length) {
            b = grow(b, b.position() + length);
        }
        appOut = b;
        return b;
    }

    // ---- the handler's side: a plaintext Connection ---------------------------------------------------

    @Override
    public long id() {
        return raw.id();
    }

    @Override
    public Reactor reactor() {
        return raw.reactor();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return raw.localAddress();
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (!raw.reactor().inReactorThread()) {
            if (!isOpen()) {
                return false;
            }
            byte[] copy = Arrays.copyOfRange(src, offset, offset + length);
            raw.reactor().execute(() -> {
                if (write(copy, 0, copy.length)) {
                    flush();
                }
            });
            return true;
        }
        if (!isOpen()) {
            return false;
        }
        stage(length).put(src, offset, length);
        return true;
    }

    @Override
    public boolean write(ByteBuffer src) {
        if (!raw.reactor().inReactorThread()) {
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            return write(copy, 0, copy.length);
        }
        if (!isOpen()) {
            return false;
        }
        stage(src.remaining()).put(src);
        return true;
    }

    @Override
    public boolean write(ByteView src, int offset, int length) {
        if (!raw.reactor().inReactorThread()) {
            throw new IllegalStateException("write(ByteView): reactor thread only");
        }
        Objects.checkFromIndexSize(offset, length, src.length());
        if (!isOpen()) {
            return false;
        }
        ByteBuffer b = stage(length);
        src.copyTo(offset, b.array(), b.arrayOffset() + b.position(), length);
        b.position(b.position() + length);
        return true;
    }

    @Override
    public void flush() {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(this::flush);
            return;
        }
        if (closeNotified || failure != null) {
            return;
        }
        try {
            wrapStaged();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        if (!pumping) {
            raw.flush();
        }
    }

    @Override
    public long pendingWriteBytes() {
        ByteBuffer b = appOut;
        return (b == null ? 0 : b.position()) + raw.pendingWriteBytes();
    }

    @Override
    public boolean isWritable() {
        return raw.isWritable();
    }

    @Override
    public boolean isOpen() {
        return !closing && !outputShutdownRequested && failure == null && raw.isOpen();
    }

    @Override
    public void setReadEnabled(boolean enabled) {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(() -> setReadEnabled(enabled));
            return;
        }
        if (innerReadEnabled == enabled) {
            return;
        }
        innerReadEnabled = enabled;
        // The handshake must go on whatever the handler wants; pausing applies to records after it.
        if (handshakeDone || enabled) {
            raw.setReadEnabled(enabled);
        }
        if (enabled) {
            // As a task, so that onData is never re-entered from inside a callback.
            raw.reactor().execute(resumeTask);
        }
    }

    @Override
    public boolean isReadEnabled() {
        return innerReadEnabled;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Over TLS the plaintext is handed over: the records go on being decrypted by this
     * layer, and the new handler gets the decrypted bytes its predecessor left unconsumed. From
     * outside the old handler's onData they follow from a task right after the switch.
     */
    @Override
    public boolean handOver(ConnectionHandler next) {
        Objects.requireNonNull(next, "next");
        if (!raw.reactor().inReactorThread()) {
            throw new IllegalStateException("handOver: reactor thread only");
        }
        if (!isOpen()) {
            return false;
        }
        if (delivering) {
            pendingInner = next; // deliver() switches when onData returns, and goes on with the rest
            return true;
        }
        boolean more;
        try {
            more = switchInner(next);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            // As for a throwing handler in resume(): nobody else would close the connection.
            LOG.log(System.Logger.Level.WARNING, "connection " + raw.id() + ": handler threw in onOpen after a hand-over; closing it", e);
            failure = CloseReason.HANDLER_ERROR;
            raw.abort();
            return true;
        }
        if (more && ((appIn != null && appIn.position() > 0) || inputClosedPending)) {
            raw.reactor().execute(resumeTask);
        }
        return true;
    }

    @Override
    public void replayKeptInput() {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(this::replayKeptInput);
            return;
        }
        if (innerReadEnabled && appIn != null && appIn.position() > 0) {
            raw.reactor().execute(resumeTask);
        }
    }

    @Override
    public void close() {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(this::close);
            return;
        }
        if (closing || closeNotified) {
            return;
        }
        closing = true;
        if (failure == null) {
            try {
                wrapStaged();
                engine.closeOutbound();
                wrapClosingMessages(); // close_notify
            } catch (SSLException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "connection " + raw.id() + ": close_notify not sent: " + e.getMessage());
            }
        }
        raw.close();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Over TLS: the staged plaintext is encrypted, then close_notify follows it and the
     * socket's output is shut down after the flush; called during the handshake, all that
     * happens when the handshake is done. Limits: the JDK's engine keeps decrypting
     * the peer's records afterwards under TLS 1.3 (its close_notify closes only this direction);
     * a TLS 1.2 peer may answer with its own close_notify and stop sending, which then reaches
     * the handler as EOF. A peer that keeps the socket open but ignores close_notify sees no
     * difference from a FIN.
     */
    @Override
    public void shutdownOutput() {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(this::shutdownOutput);
            return;
        }
        if (!isOpen()) {
            return;
        }
        outputShutdownRequested = true;
        if (handshakeDone) {
            finishOutputShutdown();
        } // else onHandshakeFinished does it, after the plaintext staged meanwhile
    }

    private void finishOutputShutdown() {
        try {
            wrapStaged();
            engine.closeOutbound();
            wrapClosingMessages(); // close_notify
        } catch (SSLException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + raw.id() + ": close_notify not sent: " + e.getMessage());
        }
        raw.shutdownOutput();
    }

    @Override
    public void abort() {
        if (!raw.reactor().inReactorThread()) {
            raw.reactor().execute(this::abort);
            return;
        }
        closing = true;
        raw.abort();
    }

    @Override
    public String applicationProtocol() {
        String negotiated = engine.getApplicationProtocol();
        return negotiated == null || negotiated.isEmpty() ? null : negotiated;
    }

    @Override
    public String serverName() {
        List<SNIServerName> names = engine.getUseClientMode() ? engine.getSSLParameters().getServerNames()
                : handshakeDone && engine.getSession() instanceof ExtendedSSLSession s ? s.getRequestedServerNames() : null;
        if (names == null) {
            return null; // none set, or none received yet
        }
        for (SNIServerName name : names) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return name instanceof SNIHostName host ? host.getAsciiName() : new SNIHostName(name.getEncoded()).getAsciiName();
            }
        }
        return null;
    }

    @Override
    public SSLSession session() {
        return engine.getSession();
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object value) {
        this.attachment = value;
    }

    @Override
    public String toString() {
        return "TlsConnection[" + raw + ", handshakeDone=" + handshakeDone + "]";
    }
}
