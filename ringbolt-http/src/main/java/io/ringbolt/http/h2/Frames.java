package io.ringbolt.http.h2;

import java.nio.charset.StandardCharsets;

/** Frame types, flags and sizes of RFC 9113 §4 and §6. */
public final class Frames {
    private Frames() {
    }

    /** RFC 9113 §3.4: what a client sends first, before its SETTINGS frame. */
    public static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int HEADER_LENGTH = 9;

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    /** RFC 9113 §4.2: the smallest SETTINGS_MAX_FRAME_SIZE, and every peer's initial one. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** RFC 9113 §4.2: 2^24 − 1. */
    public static final int MAX_FRAME_SIZE_LIMIT = 16_777_215;
    /** RFC 9113 §6.9.1: 2^31 − 1, the largest window. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** RFC 9113 §6.9.2: both windows start at 65,535. */
    public static final int DEFAULT_WINDOW = 65_535;

    static String typeName(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case PRIORITY -> "PRIORITY";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PUSH_PROMISE -> "PUSH_PROMISE";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case CONTINUATION -> "CONTINUATION";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }
}
