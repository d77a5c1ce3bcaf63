package io.ringbolt.http.h2;

import io.ringbolt.http.hpack.HeaderSink;
import java.nio.charset.StandardCharsets;

/**
 * Turns decoded fields into strings and checks them as RFC 9113 §8.2–§8.3 requires of a
 * request; the first violation is kept in {@link #malformed} (the whole block is still decoded,
 * for HPACK's sake) and makes the request malformed: a stream error of type PROTOCOL_ERROR.
 */
final class RequestFieldsSink implements HeaderSink {
    private Http2Fields fields;
    private boolean trailers;
    private boolean regularSeen;
    private int pseudoSeen; // bit per pseudo-header
    String malformed;
    long contentLength;
    /** A connection's requests repeat their names and values: those strings are made once. */
    private final StringCache strings = new StringCache();

    private static final int METHOD = 1;
    private static final int SCHEME = 2;
    private static final int PATH = 4;
    private static final int AUTHORITY = 8;

    void begin(Http2Fields into, boolean isTrailers) {
        fields = into;
        trailers = isTrailers;
        regularSeen = false;
        pseudoSeen = 0;
        malformed = null;
        contentLength = -1;
    }

    @Override
    public void onHeader(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                         boolean neverIndexed) {
        String n = strings.get(name, nameOffset, nameLength, false);
        String v = strings.get(value, valueOffset, valueLength, neverIndexed);
        if (malformed == null) {
            check(n, v);
        }
        fields.add(n, v);
    }

    private void check(String name, String value) {
        if (!validName(name)) {
            malformed = "invalid field name '" + name + "'";
            return;
        }
        if (!validValue(value)) {
            malformed = "invalid value of field '" + name + "'";
            return;
        }
        if (name.charAt(0) == ':') {
            if (trailers) {
                malformed = "pseudo-header " + name + " in trailers";
                return;
            }
            if (regularSeen) {
                malformed = "pseudo-header " + name + " after regular fields";
                return;
            }
            int bit = switch (name) {
                case ":method" -> METHOD;
                case ":scheme" -> SCHEME;
                case ":path" -> PATH;
                case ":authority" -> AUTHORITY;
                default -> 0;
            };
            if (bit == 0) {
                malformed = "unknown pseudo-header " + name;
            } else if ((pseudoSeen & bit) != 0) {
                malformed = "duplicate " + name;
            } else {
                pseudoSeen |= bit;
                if (bit == PATH && value.isEmpty()) {
                    malformed = "empty :path";
                }
            }
            return;
        }
        regularSeen = true;
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" ->
                    malformed = "connection-specific field " + name;
            case "te" -> {
                if (!value.equals("trailers")) {
                    malformed = "te: " + value;
                }
            }
            case "content-length" -> {
                long parsed = parseLength(value);
                if (parsed < 0 || (contentLength >= 0 && parsed != contentLength)) {
                    malformed = "content-length: " + value;
                } else {
                    contentLength = parsed;
                }
            }
            default -> {
            }
        }
    }

    /** After a request's block: the pseudo-headers §8.3.1 requires. */
    void finishRequest() {
        if (malformed != null) {
            return;
        }
        String method = fields.get(":method");
        if (method == null) {
            malformed = "missing :method";
        } else if (method.equals("CONNECT")) {
            if ((pseudoSeen & (SCHEME | PATH)) != 0 || (pseudoSeen & AUTHORITY) == 0) {
                malformed = "CONNECT with :scheme or :path, or without :authority";
            }
        } else if ((pseudoSeen & (SCHEME | PATH)) != (SCHEME | PATH)) {
            malformed = "missing :scheme or :path";
        } else {
            String path = fields.get(":path");
            if (!(path.charAt(0) == '/' || (path.equals("*") && method.equals("OPTIONS")))) {
                malformed = ":path " + path;
            }
        }
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' && i == 0) {
                continue;
            }
            // RFC 9113 §8.2.1: lower case tchar only.
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    private static boolean validValue(String value) {
        int n = value.length();
        if (n > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(n - 1)))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static long parseLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * A small direct-mapped cache of Latin-1 strings by content, so repeated field names and
     * values (most of a client's requests on one connection) cost no allocation. Bounded: 32
     * entries of at most 48 characters; sensitive (never-indexed) values are never kept.
     */
    static final class StringCache {
        static final int ENTRIES = 32;
        static final int MAX_LENGTH = 48;
        private final String[] entries = new String[ENTRIES];

        String get(byte[] bytes, int offset, int length, boolean sensitive) {
            if (length > MAX_LENGTH || sensitive) {
                return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
            }
            int h = length;
            for (int i = 0; i < length; i++) {
                h = 31 * h + bytes[offset + i];
            }
            int slot = (h ^ (h >>> 16)) & (ENTRIES - 1);
            String cached = entries[slot];
            if (cached != null && matches(cached, bytes, offset, length)) {
                return cached;
            }
            String s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
            entries[slot] = s;
            return s;
        }

        private static boolean matches(String s, byte[] bytes, int offset, int length) {
            if (s.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (s.charAt(i) != (char) (bytes[offset + i] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }
    }
}
