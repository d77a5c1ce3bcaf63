package io.ringbolt.http.websocket;

import java.io.IOException;

/**
 * A client's opening handshake failed: the server answered something other than a valid
 * {@code 101 Switching Protocols} (wrong accept key, a subprotocol or extension that was not
 * offered, a 404...), or the handshake timed out or the connection closed during it.
 */
public final class WebSocketHandshakeException extends IOException {
    private final int status;

    /**
     * @param status the HTTP status the server answered, or -1 if there was no (complete) answer
     */
    public WebSocketHandshakeException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered, or -1 if there was no complete answer. */
    public int status() {
        return status;
    }
}
