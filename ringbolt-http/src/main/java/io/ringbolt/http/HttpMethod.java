package io.ringbolt.http;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Request methods the router knows by name (RFC 9110 §9 plus PATCH). Any other token is a valid
 * method too: it parses as {@link #OTHER} and its name is available from
 * {@link HttpRequest#methodName()}. Method names are case-sensitive.
 */
public enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH,
    /** A method token that is none of the above. */
    OTHER;

    private static final HttpMethod[] KNOWN = {GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH};
    private static final byte[][] NAMES = new byte[KNOWN.length][];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            NAMES[i] = KNOWN[i].name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * The method whose name is the {@code length} bytes at {@code offset} of {@code bytes}, or
     * {@link #OTHER}. Allocation-free.
     */
    public static HttpMethod of(MemorySegment bytes, long offset, int length) {
        if (length < 3 || length > 7) {
            return OTHER;
        }
        byte first = bytes.get(ValueLayout.JAVA_BYTE, offset);
        for (int i = 0; i < KNOWN.length; i++) {
            byte[] name = NAMES[i];
            if (name.length == length && name[0] == first && matches(bytes, offset, name)) {
                return KNOWN[i];
            }
        }
        return OTHER;
    }

    /** The method named {@code name} (exact case), or {@link #OTHER}. */
    public static HttpMethod of(String name) {
        for (HttpMethod m : KNOWN) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return OTHER;
    }

    private static boolean matches(MemorySegment bytes, long offset, byte[] name) {
        for (int i = 1; i < name.length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, offset + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** True for methods whose requests are safe to retry and never carry semantics in a body. */
    public boolean isSafe() {
        return this == GET || this == HEAD || this == OPTIONS || this == TRACE;
    }
}
