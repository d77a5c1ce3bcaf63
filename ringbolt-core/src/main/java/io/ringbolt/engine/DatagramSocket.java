package io.ringbolt.engine;

import java.net.InetSocketAddress;

/**
 * A UDP socket owned by one reactor ({@link Engine#bindDatagram}, {@link Engine#connectDatagram}).
 * Datagrams arrive at its {@link DatagramHandler} on the reactor thread; sends may come from any
 * thread and go through a bounded queue: when the kernel's send buffer and the queue are full a
 * send is dropped, counted and reported, never buffered without bound.
 */
public interface DatagramSocket {

    /** The reactor that owns the socket and runs its handler. */
    Reactor reactor();

    /** The bound local address (with the real port). */
    InetSocketAddress localAddress();

    /** The peer of a connected socket, or null. */
    InetSocketAddress remoteAddress();

    /**
     * Queues one datagram of {@code length} bytes of {@code bytes} from {@code offset} to
     * {@code target}; the bytes are copied before this returns. Any thread.
     *
     * @return false when dropped (queue full or socket closed)
     * @throws IllegalArgumentException when {@code length} exceeds {@link DatagramOptions#maxDatagramBytes()}
     *                                  or the target is unresolved
     */
    boolean send(InetSocketAddress target, byte[] bytes, int offset, int length);

    /** {@link #send(InetSocketAddress, byte[], int, int)} of the whole array. Any thread. */
    default boolean send(InetSocketAddress target, byte[] bytes) {
        return send(target, bytes, 0, bytes.length);
    }

    /**
     * Queues the bytes of {@code data} to {@code target}, copying them before it returns (so a
     * received view can be echoed in place). Reactor thread of this socket, or a view the caller owns.
     *
     * @return false when dropped
     */
    boolean send(InetSocketAddress target, ByteView data);

    /** Sends to the connected peer. Any thread. @throws IllegalStateException when not connected */
    default boolean send(byte[] bytes) {
        InetSocketAddress peer = remoteAddress();
        if (peer == null) {
            throw new IllegalStateException("send without target on an unconnected datagram socket " + localAddress());
        }
        return send(peer, bytes, 0, bytes.length);
    }

    /** Datagrams dropped because the send queue was full. Any thread. */
    long droppedSends();

    /** Datagrams received truncated ({@link DatagramHandler#onTruncated}). Any thread. */
    long truncatedCount();

    /** True until {@link #close()} (or the engine's stop) began. Any thread. */
    boolean isOpen();

    /** Closes the socket; queued sends are discarded; {@link DatagramHandler#onClose} follows. Any thread; idempotent. */
    void close();
}
