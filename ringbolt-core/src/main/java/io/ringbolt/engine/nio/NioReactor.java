package io.ringbolt.engine.nio;

import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.AbstractReactor;
import io.ringbolt.engine.runtime.ConnectAttempt;
import io.ringbolt.engine.runtime.ConnectErrors;
import io.ringbolt.engine.DatagramReactor;
import io.ringbolt.engine.DatagramSpec;
import io.ringbolt.engine.DatagramSocket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A reactor on one {@link Selector}: the shared loop of {@link AbstractReactor} with
 * {@code select} as its only blocking point. Owns its listening sockets in REUSEPORT mode, its
 * connections' channels, and one direct read buffer of {@code buffer-size} bytes that every
 * connection of the reactor reads into (handlers see the bytes in place; what they keep is
 * copied aside by {@link io.ringbolt.engine.runtime.AbstractConnection}).
 */
final class NioReactor extends AbstractReactor implements DatagramReactor {
    /** Chunks one gathering write may cover (16 KiB chunks: 1 MiB per write call). */
    private static final int MAX_GATHER_BUFFERS = 64;

    private final List<ServerSocketChannel> listenChannels;
    private final List<NioListener> listeners = new ArrayList<>();
    private final List<NioDatagramSocket> datagramSockets = new ArrayList<>();
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private final ByteBuffer[] gatherBuffers = new ByteBuffer[MAX_GATHER_BUFFERS];
    /**
     * Written once on the reactor thread before the loop first declares itself asleep; read by
     * {@link #wakeup()} callers only after they won the CAS on the loop's sleeping flag, which
     * orders this read after that write.
     */
    private volatile Selector selector;
    private NativeRegion readRegion;
    private MemorySegment readSegment;
    private ByteBuffer readBuffer;
    private boolean clockUpdated;

    /**
     * @param listenChannels bound listening sockets this reactor accepts from (REUSEPORT mode;
     *                       empty in ACCEPTOR mode). The reactor owns and closes them.
     */
    NioReactor(EngineConfig config, int index, HandlerFactory handlerFactory, List<ServerSocketChannel> listenChannels) {
        super(config, index, handlerFactory);
        this.listenChannels = List.copyOf(listenChannels);
    }

    // ---- AbstractReactor hooks ------------------------------------------------------------------

    @Override
    protected void onStart() throws IOException {
        selector = Selector.open();
        // A confined region: only this thread reads into it, and it lives exactly as long as
        // the reactor (closed in onStop after every channel is closed).
        readRegion = NativeRegion.allocate(config.bufferSize(), 64);
        readSegment = readRegion.segment();
        readBuffer = readSegment.asByteBuffer();
        for (ServerSocketChannel ch : listenChannels) {
            NioListener l = new NioListener(this, ch);
            listeners.add(l);
            l.register(selector);
        }
    }

    @Override
    protected void poll(long timeoutNs) throws IOException {
        clockUpdated = false;
        counters().increment(Counter.NIO_SELECTS);
        if (timeoutNs == 0) {
            selector.selectNow(dispatcher);
        } else if (timeoutNs < 0) {
            selector.select(dispatcher);
        } else {
            // Round up (and at least 1 ms, since 0 means "forever" to select): waking early
            // would only spin until the timer is due.
            selector.select(dispatcher, Math.max(1, (timeoutNs + 999_999) / 1_000_000));
        }
        if (!clockUpdated) {
            updateClock();
        }
    }

    @Override
    protected boolean sendsCompleteInFlush() {
        return true; // NIO writes to the socket in the flush step
    }

    @Override
    protected void wakeup() {
        selector.wakeup();
    }

    @Override
    protected void stopAccepting() {
        for (NioListener l : listeners) {
            l.close();
        }
        closeDatagramSockets();
    }

    private void closeDatagramSockets() {
        for (NioDatagramSocket s : List.copyOf(datagramSockets)) {
            s.closeOnReactor();
        }
    }

    @Override
    public DatagramSocket openDatagram(DatagramSpec spec) throws IOException {
        if (isDraining()) {
            throw new IOException("udp " + spec.local() + ": the engine is stopping");
        }
        NioDatagramSocket s = new NioDatagramSocket(this, spec, selector);
        datagramSockets.add(s);
        return s;
    }

    void removeDatagram(NioDatagramSocket s) {
        datagramSockets.remove(s);
    }

    @Override
    protected boolean quiesced() {
        // NIO never lends memory or fds to the kernel beyond a single system call.
        return true;
    }

    @Override
    protected void onStop() {
        for (NioListener l : listeners) {
            l.close();
        }
        closeDatagramSockets();
        for (ServerSocketChannel ch : listenChannels) {
            ListenSockets.closeQuietly(ch); // those never registered when onStart failed early
        }
        Selector s = selector;
        if (s != null) {
            // The runtime closed every connection before stopping; whatever is still
            // registered here is a bug elsewhere, but its fd must not leak.
            for (SelectionKey key : s.keys()) {
                ListenSockets.closeQuietly(key.channel());
            }
            try {
                s.close(); // deregisters the cancelled keys, which completes deferred closes
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, threadName() + ": closing the selector failed", e);
            }
        }
        if (readRegion != null) {
            readRegion.close();
        }
    }

    // ---- dispatch ----------------------------------------------------------------------------------

    private void dispatch(SelectionKey key) {
        if (!clockUpdated) {
            // First event after the wait: handlers and idle timers should see the time the
            // events arrived, not when the loop went to sleep.
            updateClock();
            clockUpdated = true;
        }
        if (!key.isValid()) {
            return; // closed by an earlier key's handler in this same batch
        }
        ((NioSelectable) key.attachment()).onReady(key.readyOps());
    }

    /**
     * Takes ownership of an accepted socket: registers it and opens a connection, or closes it
     * at once when this reactor is full or draining. Reactor thread.
     */
    void adopt(SocketChannel ch) {
        if (atConnectionLimit()) {
            ListenSockets.closeQuietly(ch);
            counters().onRejected();
            return;
        }
        SelectionKey key;
        try {
            ch.configureBlocking(false);
            if (config.tcpNoDelay()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            key = ch.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            // The peer may already be gone (reset while queued); nothing to tell a handler.
            LOG.log(System.Logger.Level.DEBUG, threadName() + ": dropping accepted socket: " + e);
            ListenSockets.closeQuietly(ch);
            return;
        }
        NioConnection c = new NioConnection(this, ch, key);
        key.attach(c);
        c.start();
    }

    @Override
    protected void startConnect(ConnectAttempt attempt, long timeoutNs) {
        InetSocketAddress target = attempt.target();
        SocketChannel ch = null;
        SelectionKey key;
        boolean connected;
        try {
            ch = SocketChannel.open(target.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.configureBlocking(false);
            if (config.tcpNoDelay()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            connected = ch.connect(target);
            key = ch.register(selector, connected ? 0 : SelectionKey.OP_CONNECT);
        } catch (IOException | RuntimeException e) {
            // Refused at once, no descriptor left (EMFILE), unsupported family ...
            ListenSockets.closeQuietly(ch);
            attempt.fail(ConnectErrors.failed(target, ConnectErrors.errnoNameOf(e), e));
            return;
        }
        NioConnection c = new NioConnection(this, ch, key, attempt);
        key.attach(c);
        if (connected) {
            c.finishConnect();
        } else {
            c.armConnectTimer(timeoutNs);
        }
    }

    /** The shared read buffer; valid until the connection's {@code onReceived} returns. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** The memory behind {@link #readBuffer()}. */
    MemorySegment readSegment() {
        return readSegment;
    }

    /**
     * Scratch array for gathering writes, shared by the reactor's connections: a connection
     * fills it and hands it to one {@code write} call before anything else can run.
     */
    ByteBuffer[] gatherBuffers() {
        return gatherBuffers;
    }
}
