package io.ringbolt.http.websocket;

/**
 * Incremental UTF-8 validation (RFC 3629) over bytes that arrive in pieces: a code point may
 * be split across frames and reads, and an invalid sequence is reported at the first byte that
 * makes it invalid (so a connection can fail fast, before the rest of a message arrives).
 * Rejects overlong forms, surrogates (U+D800..U+DFFF) and code points above U+10FFFF.
 *
 * <p>Björn Höhrmann's DFA (http://bjoern.hoehrmann.de/utf-8/decoder/dfa/), validation only.
 * Not thread-safe; one per message stream.
 */
public final class Utf8Validator {
    /** The state between code points. */
    public static final int ACCEPT = 0;
    /** The state after an invalid byte; sticky until {@link #reset()}. */
    public static final int REJECT = 12;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] TRANSITIONS = {
            0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
            12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
            12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
            12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
            12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    };

    static {
        for (int b = 0; b < 256; b++) {
            int c;
            if (b < 0x80) {
                c = 0;
            } else if (b < 0x90) {
                c = 1;
            } else if (b < 0xA0) {
                c = 9;
            } else if (b < 0xC0) {
                c = 7;
            } else if (b < 0xC2) {
                c = 8;
            } else if (b < 0xE0) {
                c = 2;
            } else if (b == 0xE0) {
                c = 10;
            } else if (b < 0xED) {
                c = 3;
            } else if (b == 0xED) {
                c = 4;
            } else if (b < 0xF0) {
                c = 3;
            } else if (b == 0xF0) {
                c = 11;
            } else if (b < 0xF4) {
                c = 6;
            } else if (b == 0xF4) {
                c = 5;
            } else {
                c = 8;
            }
            CLASSES[b] = (byte) c;
        }
    }

    private int state = ACCEPT;
    /** Bytes of the code point in progress (0 between code points). */
    private int pendingBytes;

    /** Starts a new stream. */
    public void reset() {
        state = ACCEPT;
        pendingBytes = 0;
    }

    /**
     * Feeds {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @return false as soon as the stream is invalid (and from then on)
     */
    public boolean update(byte[] bytes, int offset, int length) {
        int s = state;
        if (s == REJECT) {
            return false;
        }
        int pending = pendingBytes;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            s = TRANSITIONS[s + CLASSES[bytes[i] & 0xFF]];
            if (s == REJECT) {
                state = REJECT;
                return false;
            }
            pending = s == ACCEPT ? 0 : pending + 1;
        }
        state = s;
        pendingBytes = pending;
        return true;
    }

    /** True if the bytes so far are valid and end between code points (a message may end here). */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** True once an invalid byte was seen. */
    public boolean isRejected() {
        return state == REJECT;
    }

    /** Bytes at the end of what was fed that start a code point not yet complete (0..3). */
    public int pendingBytes() {
        return pendingBytes;
    }

    /** Validates a whole byte sequence. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Utf8Validator v = new Utf8Validator();
        return v.update(bytes, offset, length) && v.isComplete();
    }
}
