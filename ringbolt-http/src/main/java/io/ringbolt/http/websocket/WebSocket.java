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
 *
 * <p>Fragmented sends: {@link #sendTextFragment} and {@link #sendBinaryFragment} send one
 * message in several frames (RFC 6455 §5.4), for a producer that does not have the whole message
 * at once. The first call starts the message, each further call adds a continuation frame, and
 * the call with {@code last = true} ends it. While it is open, no other data message may be
 * sent: {@link #sendText}, {@link #sendBinary} or a fragment of the other type throw
 * {@link IllegalStateException} (pings and {@link #close} may come in between, as control
 * frames may). A fragment refused by back-pressure ({@code false}) sent nothing and leaves the
 * message as it was: the same piece may be offered again. With permessage-deflate the message
 * is compressed as one (RSV1 on its first frame only, each piece flushed so its frame carries
 * its data, the last one ending the compressed message per RFC 7692 §7.2.1), unless the
 * negotiated window is below 32 KiB, where fragmented messages go out uncompressed.
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

    /**
     * Sends a text message.
     *
     * @throws IllegalStateException while a fragmented message is open ({@link #sendTextFragment})
     */
    boolean sendText(CharSequence text);

    /**
     * Sends the remaining bytes of {@code data} as a binary message; advances its position.
     *
     * @throws IllegalStateException while a fragmented message is open
     */
    boolean sendBinary(ByteBuffer data);

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as a binary message.
     *
     * @throws IllegalStateException while a fragmented message is open
     */
    boolean sendBinary(byte[] data, int offset, int length);

    /** Sends all of {@code data} as a binary message. */
    default boolean sendBinary(byte[] data) {
        return sendBinary(data, 0, data.length);
    }

    /**
     * Sends {@code text} as the next fragment of a text message, starting one if none is open;
     * {@code last} ends the message. Each piece is encoded to UTF-8 on its own, so a surrogate
     * pair must not be split between two pieces. See the class comment for the rules.
     *
     * @return false, with nothing sent, under back-pressure or once the close handshake started
     * @throws IllegalStateException    while a fragmented binary message is open
     * @throws IllegalArgumentException for a piece that starts or ends inside a surrogate pair
     */
    boolean sendTextFragment(CharSequence text, boolean last);

    /**
     * Sends the remaining bytes of {@code data} as the next fragment of a binary message,
     * starting one if none is open; {@code last} ends the message. Advances its position when
     * the fragment is taken.
     *
     * @return false, with nothing sent, under back-pressure or once the close handshake started
     * @throws IllegalStateException while a fragmented text message is open
     */
    boolean sendBinaryFragment(ByteBuffer data, boolean last);

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as the next fragment of a
     * binary message; as {@link #sendBinaryFragment(ByteBuffer, boolean)}.
     */
    boolean sendBinaryFragment(byte[] data, int offset, int length, boolean last);

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
