package io.ringbolt.http.websocket;

import java.nio.ByteBuffer;

/**
 * The application side of one WebSocket connection. Every method is called on the connection's
 * reactor thread, one at a time, and must not block (send from another thread instead; see
 * {@link WebSocket}). A method that throws fails the connection with
 * {@link CloseCodes#INTERNAL_ERROR}.
 *
 * <p>Messages arrive whole ({@link #onText}, {@link #onBinary}) by default, assembled from their
 * fragments and inflated, up to {@link WebSocketOptions#maxMessageBytes()}. A handler that
 * returns true from {@link #streamsMessages()} gets them in pieces as the bytes arrive instead
 * ({@link #onTextFragment}, {@link #onBinaryFragment}); the limit still applies to the whole
 * message. Text is valid UTF-8 either way: a message that is not fails the connection (1007)
 * before the bad piece is delivered.
 */
public interface WebSocketHandler {

    /** The handshake is done; the connection may send. */
    default void onOpen(WebSocket ws) {
    }

    /** A whole text message. */
    default void onText(WebSocket ws, String text) {
    }

    /** A whole binary message; {@code data} is valid until the method returns (copy to keep it). */
    default void onBinary(WebSocket ws, ByteBuffer data) {
    }

    /** True to receive messages in pieces through the fragment methods; asked once, at open. */
    default boolean streamsMessages() {
        return false;
    }

    /**
     * A piece of a text message, cut at code point boundaries; {@code last} ends the message
     * (its piece may be empty).
     */
    default void onTextFragment(WebSocket ws, String text, boolean last) {
    }

    /**
     * A piece of a binary message, valid until the method returns; {@code last} ends the
     * message (its piece may be empty).
     */
    default void onBinaryFragment(WebSocket ws, ByteBuffer data, boolean last) {
    }

    /** A ping arrived; the pong was already staged. {@code data} is valid until the method returns. */
    default void onPing(WebSocket ws, ByteBuffer data) {
    }

    /** A pong arrived. {@code data} is valid until the method returns. */
    default void onPong(WebSocket ws, ByteBuffer data) {
    }

    /** The connection's unsent output crossed the high (false) or low (true) water mark. */
    default void onWritabilityChanged(WebSocket ws, boolean writable) {
    }

    /**
     * The connection closed; called exactly once, last. {@code code} is the peer's close code
     * after a close handshake ({@link CloseCodes#NO_STATUS} if its close frame had none), the
     * code this side failed the connection with (1002, 1007, 1009, ...), or
     * {@link CloseCodes#ABNORMAL} when the connection ended without a close frame.
     */
    default void onClose(WebSocket ws, int code, String reason) {
    }
}
