package io.ringbolt.bench.jmh;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.Reactor;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link Connection} that copies what is written into one reusable array, as the engine
 * copies into its outbound buffer, and never sends. For benchmarks of protocol handlers on the
 * calling thread.
 */
final class SinkConnection implements Connection {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    private final Reactor reactor;
    private byte[] sink = new byte[64 * 1024];
    private int written;
    private boolean readEnabled = true;
    private Object attachment;

    SinkConnection(Reactor reactor) {
        this.reactor = reactor;
    }

    /** Bytes written since the last drain; empties the sink. */
    long drain() {
        long n = written;
        written = 0;
        return n;
    }

    /** The bytes written since the last drain, as ISO-8859-1 text (for checks at setup). */
    String pending() {
        return new String(sink, 0, written, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private void ensure(int more) {
        if (written + more > sink.length) {
            sink = java.util.Arrays.copyOf(sink, Math.max(sink.length * 2, written + more));
        }
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
        return PEER;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, sink, written, length);
        written += length;
        return true;
    }

    @Override
    public boolean write(ByteBuffer src) {
        int length = src.remaining();
        ensure(length);
        src.get(sink, written, length);
        written += length;
        return true;
    }

    @Override
    public boolean write(ByteView src, int offset, int length) {
        ensure(length);
        src.copyTo(offset, sink, written, length);
        written += length;
        return true;
    }

    @Override
    public void flush() {
    }

    @Override
    public long pendingWriteBytes() {
        return 0;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void setReadEnabled(boolean enabled) {
        readEnabled = enabled;
    }

    @Override
    public boolean isReadEnabled() {
        return readEnabled;
    }

    @Override
    public void replayKeptInput() {
        // The benchmark feeds whole requests; nothing is ever kept.
    }

    @Override
    public void close() {
    }

    @Override
    public void abort() {
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }
}
