package io.ringbolt.http.h2;

/**
 * The six parameters of RFC 9113 §6.5.2, with their initial values. One instance holds what
 * one side has in force; {@link #apply} takes a received SETTINGS payload, validating each
 * value as §6.5.2 requires and ignoring unknown identifiers.
 */
public final class Http2Settings {
    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** "Unlimited" for the parameters whose initial value is unlimited. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private long headerTableSize = 4096;
    private long enablePush = 1;
    private long maxConcurrentStreams = UNLIMITED;
    private long initialWindowSize = Frames.DEFAULT_WINDOW;
    private long maxFrameSize = Frames.DEFAULT_MAX_FRAME_SIZE;
    private long maxHeaderListSize = UNLIMITED;

    public int headerTableSize() {
        return (int) Math.min(headerTableSize, Integer.MAX_VALUE);
    }

    public boolean pushEnabled() {
        return enablePush == 1;
    }

    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    public int initialWindowSize() {
        return (int) initialWindowSize;
    }

    public int maxFrameSize() {
        return (int) maxFrameSize;
    }

    public long maxHeaderListSize() {
        return maxHeaderListSize;
    }

    public Http2Settings headerTableSize(int bytes) {
        headerTableSize = bytes;
        return this;
    }

    public Http2Settings enablePush(boolean enabled) {
        enablePush = enabled ? 1 : 0;
        return this;
    }

    public Http2Settings maxConcurrentStreams(long streams) {
        maxConcurrentStreams = streams;
        return this;
    }

    public Http2Settings initialWindowSize(int bytes) {
        initialWindowSize = bytes;
        return this;
    }

    public Http2Settings maxFrameSize(int bytes) {
        if (bytes < Frames.DEFAULT_MAX_FRAME_SIZE || bytes > Frames.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("h2: maxFrameSize=" + bytes + " must be in [16384, 16777215]");
        }
        maxFrameSize = bytes;
        return this;
    }

    public Http2Settings maxHeaderListSize(long bytes) {
        maxHeaderListSize = bytes;
        return this;
    }

    /** Value of parameter {@code id} (one of the constants), as sent on the wire. */
    long get(int id) {
        return switch (id) {
            case HEADER_TABLE_SIZE -> headerTableSize;
            case ENABLE_PUSH -> enablePush;
            case MAX_CONCURRENT_STREAMS -> maxConcurrentStreams;
            case INITIAL_WINDOW_SIZE -> initialWindowSize;
            case MAX_FRAME_SIZE -> maxFrameSize;
            case MAX_HEADER_LIST_SIZE -> maxHeaderListSize;
            default -> throw new IllegalArgumentException("h2: unknown setting id=" + id);
        };
    }

    /**
     * Applies one received parameter.
     *
     * @throws Http2Exception a connection error for an out-of-range value (RFC 9113 §6.5.2)
     */
    void set(int id, long value) throws Http2Exception {
        switch (id) {
            case HEADER_TABLE_SIZE -> headerTableSize = value;
            case ENABLE_PUSH -> {
                if (value > 1) {
                    throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH=" + value);
                }
                enablePush = value;
            }
            case MAX_CONCURRENT_STREAMS -> maxConcurrentStreams = value;
            case INITIAL_WINDOW_SIZE -> {
                if (value > Frames.MAX_WINDOW) {
                    throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE=" + value);
                }
                initialWindowSize = value;
            }
            case MAX_FRAME_SIZE -> {
                if (value < Frames.DEFAULT_MAX_FRAME_SIZE || value > Frames.MAX_FRAME_SIZE_LIMIT) {
                    throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE=" + value);
                }
                maxFrameSize = value;
            }
            case MAX_HEADER_LIST_SIZE -> maxHeaderListSize = value;
            default -> {
                // RFC 9113 §6.5.2: unknown or unsupported identifiers MUST be ignored.
            }
        }
    }
}
