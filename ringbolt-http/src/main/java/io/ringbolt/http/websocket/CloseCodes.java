package io.ringbolt.http.websocket;

/**
 * WebSocket close status codes (RFC 6455 §7.4, IANA registry) and which of them may appear in a
 * close frame.
 */
public final class CloseCodes {
    /** 1000: the purpose of the connection was fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the endpoint goes away (server shutdown, page left, idle timeout). */
    public static final int GOING_AWAY = 1001;
    /** 1002: protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: no status code was present (never sent in a frame). */
    public static final int NO_STATUS = 1005;
    /** 1006: closed without a close frame (never sent in a frame). */
    public static final int ABNORMAL = 1006;
    /** 1007: a text message (or close reason) was not valid UTF-8, or a message did not inflate. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a message violated the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a frame or message was too big. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client needed an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the service restarts. */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: try again later (the server is overloaded). */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }

    /**
     * True if {@code code} may be sent in a close frame: 1000–1003 and 1007–1014 (the registered
     * codes minus those reserved for reporting: 1004, 1005, 1006, 1015), 3000–3999 (registered
     * by libraries and frameworks) and 4000–4999 (private use).
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
