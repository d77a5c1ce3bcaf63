package io.ringbolt.engine.runtime;

import io.ringbolt.engine.DatagramSpec;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.DatagramHandler;
import io.ringbolt.engine.DatagramOptions;
import io.ringbolt.engine.DatagramSocket;
import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.engine.Reactor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both backends' datagram sockets share: argument checks, the hop of a foreign thread's
 * send onto the reactor (a copy plus a task, bounded by the same send-queue limit), drop
 * counting, handler calls that survive a throwing handler, and the close state machine
 * (OPEN → CLOSING → CLOSED). The backend owns the queue memory and the kernel operations.
 */
public abstract class AbstractDatagramSocket implements DatagramSocket {
    private static final RateLimitedLog HANDLER_ERRORS = new RateLimitedLog(AbstractReactor.LOG, System.Logger.Level.WARNING);

    /** Life cycle; only the reactor thread moves it. */
    protected enum State { OPEN, CLOSING, CLOSED }

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    /** The user's handler. */
    protected final DatagramHandler handler;
    /** Limits. */
    protected final DatagramOptions options;
    /** Re-pointed before each {@link DatagramHandler#onDatagram} call. */
    protected final ByteView view = new ByteView();
    private final InetSocketAddress remote;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    /** Sends of foreign threads on their way to the reactor, counted against the queue bound. */
    private final AtomicInteger foreignInTransit = new AtomicInteger();
    private volatile State state = State.OPEN;
    private InetSocketAddress local;

    protected AbstractDatagramSocket(AbstractReactor reactor, DatagramSpec spec) {
        this.reactor = reactor;
        this.handler = spec.handler();
        this.options = spec.options();
        this.remote = spec.remote();
    }

    // ---- backend hooks ---------------------------------------------------------------------

    /**
     * Queues a copy of {@code length} bytes of {@code src} from {@code offset} to {@code target}
     * (null: the connected peer) and schedules sending. Reactor thread, socket open.
     *
     * @return false when the queue is full
     */
    protected abstract boolean enqueue(InetSocketAddress target, MemorySegment src, long offset, int length);

    /** Starts closing: cancels receives, discards the queue, closes the descriptor (at once or when the kernel lets go). Reactor thread. */
    protected abstract void startClose();

    /** Datagrams queued or in flight now. Reactor thread. */
    protected abstract int queuedDatagrams();

    // ---- API ---------------------------------------------------------------------------------

    @Override
    public Reactor reactor() {
        return reactor;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Records the bound address once the socket is bound. */
    protected void setLocalAddress(InetSocketAddress value) {
        this.local = value;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean send(InetSocketAddress target, byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkSend(target, length);
        if (reactor.inReactorThread()) {
            return sendOnReactor(target, MemorySegment.ofArray(bytes), offset, length);
        }
        return sendForeign(target, Arrays.copyOfRange(bytes, offset, offset + length));
    }

    @Override
    public boolean send(InetSocketAddress target, ByteView data) {
        checkSend(target, data.length());
        if (reactor.inReactorThread()) {
            return sendOnReactor(target, data.segment(), data.segmentOffset(), data.length());
        }
        return sendForeign(target, data.toByteArray());
    }

    private void checkSend(InetSocketAddress target, int length) {
        if (length > options.maxDatagramBytes()) {
            throw new IllegalArgumentException("datagram length=" + length + " exceeds maxDatagramBytes="
                    + options.maxDatagramBytes() + " of " + this);
        }
        if (target == null && remote == null) {
            throw new IllegalArgumentException("target=null on an unconnected datagram socket " + this);
        }
        if (target != null && target.isUnresolved()) {
            throw new IllegalArgumentException("target=" + target + " (unresolved)");
        }
    }

    private boolean sendOnReactor(InetSocketAddress target, MemorySegment src, long offset, int length) {
        if (state != State.OPEN) {
            return false;
        }
        if (queuedDatagrams() + foreignInTransit.get() >= options.sendQueueDatagrams()
                || !enqueue(target == null || target.equals(remote) ? remoteOrNull(target) : target, src, offset, length)) {
            drop(length);
            return false;
        }
        return true;
    }

    private InetSocketAddress remoteOrNull(InetSocketAddress target) {
        return remote != null ? null : target;
    }

    private boolean sendForeign(InetSocketAddress target, byte[] copy) {
        if (state != State.OPEN) {
            return false;
        }
        if (foreignInTransit.incrementAndGet() > options.sendQueueDatagrams()) {
            foreignInTransit.decrementAndGet();
            drop(copy.length);
            return false;
        }
        reactor.execute(() -> {
            foreignInTransit.decrementAndGet();
            sendOnReactor(target, MemorySegment.ofArray(copy), 0, copy.length);
        });
        return true;
    }

    private void drop(int length) {
        dropped.incrementAndGet();
        try {
            handler.onSendDropped(this, length);
        } catch (RuntimeException e) {
            onHandlerError("onSendDropped", e);
        }
    }

    @Override
    public long droppedSends() {
        return dropped.get();
    }

    @Override
    public long truncatedCount() {
        return truncated.get();
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public void close() {
        if (reactor.inReactorThread()) {
            closeOnReactor();
        } else {
            reactor.execute(this::closeOnReactor);
        }
    }

    /** Begins closing if open. Reactor thread. */
    public final void closeOnReactor() {
        if (state == State.OPEN) {
            state = State.CLOSING;
            startClose();
        }
    }

    /** The state. */
    protected final State state() {
        return state;
    }

    /** Called by the backend once the descriptor and memory are released: CLOSED, then onClose. Reactor thread. */
    protected final void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            handler.onClose(this);
        } catch (RuntimeException e) {
            onHandlerError("onClose", e);
        }
    }

    // ---- handler calls -------------------------------------------------------------------------

    /** Hands one received datagram to the handler (view valid during the call). Reactor thread. */
    protected final void deliver(MemorySegment segment, long offset, int length, InetSocketAddress sender) {
        if (state != State.OPEN) {
            return;
        }
        view.wrap(segment, offset, length);
        try {
            handler.onDatagram(this, view, sender);
        } catch (RuntimeException e) {
            onHandlerError("onDatagram", e);
        }
    }

    /** Reports a truncated datagram. Reactor thread. */
    protected final void deliverTruncated(InetSocketAddress sender, int datagramBytes) {
        truncated.incrementAndGet();
        if (state != State.OPEN) {
            return;
        }
        try {
            handler.onTruncated(this, sender, datagramBytes);
        } catch (RuntimeException e) {
            onHandlerError("onTruncated", e);
        }
    }

    /** Reports an error the socket survives. Reactor thread. */
    protected final void deliverError(IOException error) {
        if (state != State.OPEN) {
            return;
        }
        try {
            handler.onError(this, error);
        } catch (RuntimeException e) {
            onHandlerError("onError", e);
        }
    }

    private void onHandlerError(String method, RuntimeException e) {
        reactor.counters().onError();
        if (HANDLER_ERRORS.isDue(e.getClass().hashCode())) {
            HANDLER_ERRORS.log(e.getClass().hashCode(), "datagram socket " + this + ": " + method + " threw " + e);
        }
    }

    @Override
    public String toString() {
        return "udp " + local + (remote != null ? "->" + remote : "");
    }
}
