package io.ringbolt.engine.nio;

import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.runtime.AbstractDatagramSocket;
import io.ringbolt.engine.DatagramSpec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;

/**
 * A UDP socket on a NIO reactor: a non-blocking {@link DatagramChannel} read into one direct
 * buffer of {@code maxDatagramBytes + 1} bytes (one byte more than accepted, so a datagram cut by
 * the buffer is recognised as truncated; NIO does not say by how much). A send goes to the
 * kernel at once through a direct buffer when nothing waits before it; when the send buffer is
 * full it waits as a heap copy in a bounded queue, drained on OP_WRITE. Reactor thread only.
 */
final class NioDatagramSocket extends AbstractDatagramSocket implements NioSelectable {
    /** Datagrams read per readiness event before other channels get a turn. */
    private static final int READS_PER_EVENT = 64;

    private final NioReactor owner;
    private final DatagramChannel channel;
    private final NativeRegion receiveRegion;
    private final ByteBuffer receiveBuffer;
    private final NativeRegion sendRegion;
    private final ByteBuffer sendBuffer;
    private final boolean connected;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int queuedBytes;
    private SelectionKey key;

    private record Pending(InetSocketAddress target, byte[] bytes) {
    }

    NioDatagramSocket(NioReactor owner, DatagramSpec spec, Selector selector) throws IOException {
        super(owner, spec);
        this.owner = owner;
        InetSocketAddress local = spec.local();
        channel = DatagramChannel.open(local.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        NativeRegion rx = null;
        NativeRegion tx = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (spec.reusePort()) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (options.socketBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, options.socketBufferBytes());
                channel.setOption(StandardSocketOptions.SO_SNDBUF, options.socketBufferBytes());
            }
            try {
                channel.bind(local);
            } catch (IOException e) {
                throw new IOException("bind udp " + local + " failed: " + e.getMessage(), e);
            }
            if (spec.remote() != null) {
                channel.connect(spec.remote());
            }
            connected = spec.remote() != null;
            rx = NativeRegion.allocate(options.maxDatagramBytes() + 1L, 64);
            tx = NativeRegion.allocate(options.maxDatagramBytes(), 64);
            key = channel.register(selector, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (rx != null) {
                rx.close();
            }
            if (tx != null) {
                tx.close();
            }
            throw e;
        }
        receiveRegion = rx;
        receiveBuffer = rx.segment().asByteBuffer();
        sendRegion = tx;
        sendBuffer = tx.segment().asByteBuffer();
        setLocalAddress((InetSocketAddress) channel.getLocalAddress());
    }

    @Override
    public void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            receive();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && state() == State.OPEN) {
            drainQueue();
        }
    }

    private void receive() {
        MemorySegment segment = receiveRegion.segment();
        for (int i = 0; i < READS_PER_EVENT && state() == State.OPEN; i++) {
            receiveBuffer.clear();
            InetSocketAddress sender;
            try {
                sender = (InetSocketAddress) channel.receive(receiveBuffer);
            } catch (IOException e) {
                // A connected socket learns of ICMP errors here (PortUnreachableException).
                deliverError(new IOException("udp receive on " + this + " failed: " + describe(e), e));
                continue;
            }
            if (sender == null) {
                return;
            }
            int length = receiveBuffer.position();
            if (length > options.maxDatagramBytes()) {
                deliverTruncated(sender, -1);
            } else {
                deliver(segment, 0, length, sender);
            }
        }
    }

    @Override
    protected boolean enqueue(InetSocketAddress target, MemorySegment src, long offset, int length) {
        if (queue.isEmpty()) {
            MemorySegment.copy(src, offset, sendRegion.segment(), 0, length);
            sendBuffer.clear().limit(length);
            if (trySend(target, sendBuffer)) {
                return true;
            }
        }
        if (queuedBytes + length > options.sendQueueBytes()) {
            return false;
        }
        byte[] copy = new byte[length];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, copy, 0, length);
        queue.add(new Pending(target, copy));
        queuedBytes += length;
        if (queue.size() == 1) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        return true;
    }

    /** One send; true when it left (or failed for good and was reported), false when the send buffer is full. */
    private boolean trySend(InetSocketAddress target, ByteBuffer data) {
        try {
            int length = data.remaining();
            int sent = connected ? channel.write(data) : channel.send(data, target);
            return sent == length;
        } catch (IOException e) {
            deliverError(new IOException("udp send to " + (target != null ? target : remoteAddress()) + " failed: "
                    + describe(e), e));
            return true;
        }
    }

    /** The errno behind a NIO exception where it is known, else its message. */
    private static String describe(IOException e) {
        if (e instanceof java.net.PortUnreachableException) {
            return "ECONNREFUSED (port unreachable)";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void drainQueue() {
        Pending p;
        while ((p = queue.peek()) != null) {
            if (!trySend(p.target(), ByteBuffer.wrap(p.bytes()))) {
                return;
            }
            queue.poll();
            queuedBytes -= p.bytes().length;
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    @Override
    protected int queuedDatagrams() {
        return queue.size();
    }

    @Override
    protected void startClose() {
        queue.clear();
        queuedBytes = 0;
        key.cancel();
        try {
            channel.close(); // the descriptor goes when the selector drops the cancelled key
        } catch (IOException e) {
            // nothing left to do with it
        }
        receiveRegion.close();
        sendRegion.close();
        owner.removeDatagram(this);
        closed();
    }
}
