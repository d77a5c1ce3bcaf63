package io.ringbolt.http.codec;

/**
 * Character classes of RFC 9110/9112 and RFC 3986 as lookup tables, plus the ASCII helpers the
 * codec shares. Tables are indexed by the unsigned byte value. Stateless; any thread.
 */
public final class HttpChars {
    /** Carriage return. */
    public static final byte CR = '\r';
    /** Line feed. */
    public static final byte LF = '\n';
    /** Space. */
    public static final byte SP = ' ';
    /** Horizontal tab. */
    public static final byte HTAB = '\t';

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VCHAR = new boolean[256];
    private static final boolean[] TARGET_CHAR = new boolean[256];
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // field-vchar = VCHAR / obs-text; SP and HTAB are allowed between them, handled by callers.
        for (int c = 0x21; c <= 0x7E; c++) {
            FIELD_VCHAR[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VCHAR[c] = true;
        }
        // RFC 3986 pchar / query: unreserved, sub-delims, ":", "@", "/", "?", and "%" (checked
        // separately for two HEXDIG). '#' is excluded: a fragment is never part of a request-target.
        for (int c = 'a'; c <= 'z'; c++) {
            TARGET_CHAR[c] = true;
            TARGET_CHAR[c - 32] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            TARGET_CHAR[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=:@/?%".toCharArray()) {
            TARGET_CHAR[c] = true;
        }
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUE[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUE[c] = (byte) (c - 'a' + 10);
            HEX_VALUE[c - 32] = (byte) (c - 'a' + 10);
        }
    }

    private HttpChars() {
    }

    /** True for a token character (RFC 9110 §5.6.2). */
    public static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** True for a visible field-value character or obs-text (not SP/HTAB). */
    public static boolean isFieldVchar(int b) {
        return FIELD_VCHAR[b & 0xFF];
    }

    /** True for a character allowed in a request-target (RFC 3986), including '%'. */
    public static boolean isTargetChar(int b) {
        return TARGET_CHAR[b & 0xFF];
    }

    /** The value of a hex digit, or -1. */
    public static int hexValue(int b) {
        return HEX_VALUE[b & 0xFF];
    }

    /** True for SP or HTAB (optional whitespace). */
    public static boolean isOws(int b) {
        return b == SP || b == HTAB;
    }

    /** ASCII lower case of {@code b}; other bytes unchanged. */
    public static int toLower(int b) {
        return (b >= 'A' && b <= 'Z') ? b + 32 : b;
    }

    /** Number of decimal digits of a non-negative value. */
    public static int decimalLength(long value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    /**
     * True if the ASCII string {@code name} equals {@code len} bytes at {@code bytes[off]},
     * ignoring ASCII case.
     */
    public static boolean equalsIgnoreCase(String name, byte[] bytes, int off, int len) {
        if (name.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (toLower(name.charAt(i)) != toLower(bytes[off + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
