package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Reactor;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection without a socket that behaves like the engine's: received bytes are presented
 * from exact-length arrays (so an overread throws), unconsumed bytes are presented again in
 * front of the next ones, writes are staged until {@link #flush()}, and {@link #close()}
 * flushes, then calls {@code onClose}.
 */
final class FakeConnection implements Connection {
    final FakeReactor reactor;
    final ConnectionHandler handler;
    private final ByteArrayOutputStream staged = new ByteArrayOutputStream();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private byte[] kept = new byte[0];
    private boolean open = true;
    private boolean readEnabled = true;
    private boolean closedNotified;
    int flushCount;
    CloseReason closeReason;

    FakeConnection(FakeReactor reactor, HttpServer server) {
        this.reactor = reactor;
        this.handler = server.newHandler(this);
        handler.onOpen(this);
    }

    /** Delivers {@code text} (ISO-8859-1) as one read, like the engine. */
    FakeConnection receive(String text) {
        return receive(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    FakeConnection receive(byte[] bytes) {
        if (!open) {
            return this;
        }
        byte[] all = Arrays.copyOf(kept, kept.length + bytes.length);
        System.arraycopy(bytes, 0, all, kept.length, bytes.length);
        if (!readEnabled) {
            kept = all; // like the engine: kept until reading resumes
            return this;
        }
        int consumed = handler.onData(this, ByteView.of(all));
        if (consumed < 0 || consumed > all.length) {
            throw new AssertionError("onData returned " + consumed + " for " + all.length);
        }
        kept = open ? Arrays.copyOfRange(all, consumed, all.length) : new byte[0];
        return this;
    }

    /** Delivers {@code text} one byte per read. */
    FakeConnection receiveBytewise(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            receive(new byte[] {b});
        }
        return this;
    }

    /** Bytes kept by the "engine" (not consumed). */
    int keptBytes() {
        return kept.length;
    }

    /** Everything flushed so far, and clears it. */
    String takeSent() {
        String s = sent.toString(StandardCharsets.ISO_8859_1);
        sent.reset();
        return s;
    }

    /** Bytes written but not yet flushed. */
    int stagedBytes() {
        return staged.size();
    }

    void peerClosesInput() {
        handler.onInputClosed(this);
    }

    @Override
    public long id() {
        return 1;
    }

    @Override
    public Reactor reactor() {
        return reactor;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        assertReactorThread();
        if (!open) {
            return false;
        }
        staged.write(src, offset, length);
        return true;
    }

    @Override
    public boolean write(ByteBuffer src) {
        byte[] b = new byte[src.remaining()];
        src.get(b);
        return write(b, 0, b.length);
    }

    @Override
    public boolean write(ByteView src, int offset, int length) {
        return write(src.toByteArray(offset, offset + length), 0, length);
    }

    @Override
    public void flush() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::flush);
            return;
        }
        if (staged.size() > 0) {
            flushCount++;
            sent.writeBytes(staged.toByteArray());
            staged.reset();
        }
    }

    @Override
    public long pendingWriteBytes() {
        return staged.size();
    }

    private boolean writable = true;

    /** Moves the output across its water mark, as the engine does when output piles up or drains. */
    void writability(boolean value) {
        writable = value;
        handler.onWritabilityChanged(this, value);
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void setReadEnabled(boolean enabled) {
        boolean resumed = enabled && !readEnabled;
        readEnabled = enabled;
        if (resumed) {
            replayKeptInput();
        }
    }

    @Override
    public void replayKeptInput() {
        if (readEnabled && kept.length > 0) {
            reactor.execute(() -> {
                if (open && readEnabled && kept.length > 0) {
                    receive(new byte[0]);
                }
            });
        }
    }

    @Override
    public boolean isReadEnabled() {
        return readEnabled;
    }

    @Override
    public void close() {
        if (!reactor.inReactorThread()) {
            reactor.execute(this::close);
            return;
        }
        flush();
        closeWith(CloseReason.LOCAL);
    }

    @Override
    public void abort() {
        staged.reset();
        closeWith(CloseReason.LOCAL);
    }

    private void closeWith(CloseReason reason) {
        open = false;
        if (!closedNotified) {
            closedNotified = true;
            closeReason = reason;
            handler.onClose(this, reason);
        }
    }

    private Object attachment;

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object value) {
        attachment = value;
    }

    private void assertReactorThread() {
        if (!reactor.inReactorThread()) {
            throw new AssertionError("write off the reactor thread");
        }
    }
}
