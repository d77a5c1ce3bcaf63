package io.ringbolt.http.websocket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One open WebSocket connection, as the application sees it.
 *
 * <p>Threading: every method may be called from any thread. On the connection's reactor thread
 * (inside a {@link WebSocketHandler} callback) a send is framed and staged at once and leaves
 * with the other output of the same read; from another thread the payload is copied and the
 * send runs on the reactor soon after, in call order per calling thread.
 *
 * <p>Back-pressure: the sends return false, and send nothing, once the connection holds more
 * than {@link WebSocketOptions#maxOutboundBytes()} of unsent output (a peer that does not read);
 * {@link #isWritable()} and {@link WebSocketHandler#onWritabilityChanged} tell a producer to
 * wait before that. A send also returns false once the close handshake has started.
 */
public interface WebSocket {

    /** Unique among the engine's connections. */
    long id();

    /** The subprotocol chosen in the handshake, or null. */
    String subprotocol();

    /** True if permessage-deflate was negotiated. */
    boolean isCompressed();

    /** The peer's address, or null if no longer known. */
    InetSocketAddress remoteAddress();

    /** Sends a text message. */
    boolean sendText(CharSequence text);

    /** Sends the remaining bytes of {@code data} as a binary message; advances its position. */
    boolean sendBinary(ByteBuffer data);

    /** Sends {@code length} bytes of {@code data} from {@code offset} as a binary message. */
    boolean sendBinary(byte[] data, int offset, int length);

    /** Sends all of {@code data} as a binary message. */
    default boolean sendBinary(byte[] data) {
        return sendBinary(data, 0, data.length);
    }

    /**
     * Sends a ping with up to 125 bytes of application data; the peer's pong arrives at
     * {@link WebSocketHandler#onPong}.
     *
     * @throws IllegalArgumentException for more than 125 bytes
     */
    boolean ping(byte[] data);

    /**
     * Starts the close handshake: sends a close frame with {@code code} and {@code reason}, then
     * waits (up to {@link WebSocketOptions#closeTimeout()}) for the peer's close frame and closes
     * the TCP connection. Nothing else is sent after it; received messages are dropped.
     * Idempotent.
     *
     * @param code   a code valid on the wire ({@link CloseCodes#isValidOnWire})
     * @param reason at most 123 bytes of UTF-8, or null
     * @throws IllegalArgumentException for an invalid code or a reason that is too long
     */
    void close(int code, String reason);

    /** {@code close(1000, null)}. */
    default void close() {
        close(CloseCodes.NORMAL, null);
    }

    /** Closes the TCP connection at once, without a close handshake. */
    void abort();

    /** True until the close handshake starts or the connection closes. */
    boolean isOpen();

    /** False while the connection's unsent output is above the engine's high water mark. */
    boolean isWritable();

    /**
     * Pauses (false) or resumes (true) reading from the peer, for a handler that cannot keep up;
     * the kernel's socket buffer then pushes back on the peer. Reading also pauses by itself
     * while the connection is not writable.
     */
    void setReadEnabled(boolean enabled);

    /** The object attached with {@link #attach}, or null. */
    Object attachment();

    /** Attaches an application object (a user, a room) to this connection. */
    void attach(Object attachment);
}
