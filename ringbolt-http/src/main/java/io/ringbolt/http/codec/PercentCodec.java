package io.ringbolt.http.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of request-target parts (RFC 3986 §2.1) into UTF-8 strings, on demand.
 * Input is already validated by the parser (every '%' has two hex digits, no byte above 0x7E),
 * so decoding cannot fail; invalid UTF-8 becomes U+FFFD. Stateless; any thread.
 */
public final class PercentCodec {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private PercentCodec() {
    }

    /**
     * Decodes {@code [from, to)} of {@code segment} (positions relative to {@code base}).
     *
     * @param plusIsSpace true for query components (form encoding), false for paths
     */
    public static String decode(MemorySegment segment, long base, int from, int to, boolean plusIsSpace) {
        int len = to - from;
        byte[] out = new byte[len];
        int n = 0;
        boolean plain = true;
        for (int i = from; i < to; i++) {
            byte b = segment.get(BYTE, base + i);
            if (b == '%' && i + 2 < to) {
                int hi = HttpChars.hexValue(segment.get(BYTE, base + i + 1));
                int lo = HttpChars.hexValue(segment.get(BYTE, base + i + 2));
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 2;
                    plain = false;
                    continue;
                }
            }
            if (b == '+' && plusIsSpace) {
                b = ' ';
            }
            out[n++] = b;
        }
        return plain ? new String(out, 0, n, StandardCharsets.ISO_8859_1) : new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Decodes a whole string (for tests and for callers that already hold text). */
    public static String decode(String text, boolean plusIsSpace) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return decode(MemorySegment.ofArray(b), 0, 0, b.length, plusIsSpace);
    }

    /**
     * True if the decoded form of {@code [from, to)} equals the ASCII {@code expected}, without
     * allocating. Query keys and literal path segments are compared this way.
     */
    public static boolean decodedEquals(MemorySegment segment, long base, int from, int to, String expected,
                                        boolean plusIsSpace) {
        int k = 0;
        int n = expected.length();
        for (int i = from; i < to; i++) {
            int b = segment.get(BYTE, base + i) & 0xFF;
            if (b == '%' && i + 2 < to) {
                int hi = HttpChars.hexValue(segment.get(BYTE, base + i + 1));
                int lo = HttpChars.hexValue(segment.get(BYTE, base + i + 2));
                if (hi >= 0 && lo >= 0) {
                    b = hi << 4 | lo;
                    i += 2;
                }
            } else if (b == '+' && plusIsSpace) {
                b = ' ';
            }
            if (k >= n || expected.charAt(k) != b) {
                return false;
            }
            k++;
        }
        return k == n;
    }

    /**
     * True if the percent-decoded bytes of {@code [from, to)} equal {@code expected} (e.g. the
     * UTF-8 form of a literal path segment), without allocating.
     */
    public static boolean decodedEquals(MemorySegment segment, long base, int from, int to, byte[] expected) {
        int k = 0;
        int n = expected.length;
        if (to - from < n) {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte b = segment.get(BYTE, base + i);
            if (b == '%' && i + 2 < to) {
                int hi = HttpChars.hexValue(segment.get(BYTE, base + i + 1));
                int lo = HttpChars.hexValue(segment.get(BYTE, base + i + 2));
                if (hi >= 0 && lo >= 0) {
                    b = (byte) (hi << 4 | lo);
                    i += 2;
                }
            }
            if (k >= n || expected[k] != b) {
                return false;
            }
            k++;
        }
        return k == n;
    }
}
