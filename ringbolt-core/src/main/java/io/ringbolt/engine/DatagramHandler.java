package io.ringbolt.engine;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Receives the datagrams of a {@link DatagramSocket}. Every method runs on the socket's reactor
 * thread and must not block; a method that throws is logged and counted, and the socket stays
 * open.
 */
@FunctionalInterface
public interface DatagramHandler {

    /**
     * One whole datagram, seen in place in the engine's receive buffer: {@code data} (and any
     * lazy reader of it) is valid only until this method returns; copy what must outlive it.
     * A datagram of 0 bytes arrives as an empty view. Replying with
     * {@code socket.send(sender, data)} copies the bytes before returning.
     *
     * @param socket the socket it arrived on
     * @param data   the payload
     * @param sender the source address (the same instance for a recurring source where the
     *               backend can cache it; never null)
     */
    void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender);

    /**
     * A datagram longer than {@link DatagramOptions#maxDatagramBytes()} arrived and was cut by
     * the kernel; it is never passed to {@link #onDatagram} as if whole. Counted in
     * {@link DatagramSocket#truncatedCount()}.
     *
     * @param datagramBytes the datagram's real length when the backend learns it (io_uring), else -1 (NIO)
     */
    default void onTruncated(DatagramSocket socket, InetSocketAddress sender, int datagramBytes) {
    }

    /**
     * An error the socket survives: an ICMP error reported on a connected socket (the peer's
     * port is closed: ECONNREFUSED; unreachable: EHOSTUNREACH ...), a queued send the kernel
     * refused (EMSGSIZE ...). Receiving goes on.
     */
    default void onError(DatagramSocket socket, IOException error) {
    }

    /**
     * A send was dropped because the socket's bounded send queue was full (the kernel's send
     * buffer is full and {@link DatagramOptions#sendQueueDatagrams()} datagrams or
     * {@link DatagramOptions#sendQueueBytes()} bytes wait already). Called on the thread that
     * found the queue full: usually the one that called {@code send}, which then returned false;
     * for a send from another thread that was accepted on its way to the reactor but found the
     * queue full on arrival, the reactor thread. Counted in {@link DatagramSocket#droppedSends()}.
     * Must not block.
     *
     * @param datagramBytes the length of the dropped datagram
     */
    default void onSendDropped(DatagramSocket socket, int datagramBytes) {
    }

    /** The socket is closed and its descriptor and buffers are released. */
    default void onClose(DatagramSocket socket) {
    }
}
