package io.ringbolt.http.files;

/**
 * The one byte range a {@code Range} field asks of a representation (RFC 9110 §14.1.2), or
 * what to do instead. Three outcomes:
 * <ul>
 * <li>{@link #WHOLE}: send the whole representation (200). The field is ignored when its unit
 *     is not {@code bytes}, when it is not valid syntax (§14.2 lets a server ignore it), and
 *     when it asks for more than one range: multipart/byteranges is not produced, which
 *     §14.2 allows ("A server MAY ignore the Range header field").</li>
 * <li>{@link #UNSATISFIABLE}: the single range starts at or past the end, or is the suffix
 *     {@code -0}, or the representation is empty (416 with {@code Content-Range: bytes *}/length).</li>
 * <li>a range {@code first..last}, inclusive, clipped to the representation (206).</li>
 * </ul>
 * Immutable; any thread.
 *
 * @param first offset of the first byte
 * @param last  offset of the last byte (inclusive)
 */
record ByteRange(long first, long last) {
    /** Ignore the field: send everything. */
    static final ByteRange WHOLE = new ByteRange(-1, -1);
    /** No byte of the representation is in the range. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-2, -2);

    /** Number of bytes in the range. */
    long length() {
        return last - first + 1;
    }

    /**
     * The outcome of {@code Range: field} for a representation of {@code lengthBytes} bytes.
     *
     * @param field the field value, or null when the request has none
     */
    static ByteRange parse(String field, long lengthBytes) {
        if (field == null) {
            return WHOLE;
        }
        int eq = field.indexOf('=');
        if (eq < 0 || !field.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return WHOLE;
        }
        String spec = null;
        int start = eq + 1;
        while (start <= field.length()) {
            int comma = field.indexOf(',', start);
            int end = comma < 0 ? field.length() : comma;
            String element = field.substring(start, end).strip();
            if (!element.isEmpty()) { // RFC 9110 §5.6.1.2: empty list elements are ignored
                if (spec != null) {
                    return WHOLE; // more than one range: the whole body, as documented above
                }
                spec = element;
            }
            start = end + 1;
        }
        return spec == null ? WHOLE : single(spec, lengthBytes);
    }

    /** One range-spec: {@code first-last}, {@code first-} or {@code -suffix}. */
    private static ByteRange single(String spec, long lengthBytes) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        long first = digits(spec, 0, dash);
        long last = digits(spec, dash + 1, spec.length());
        if (dash == 0) { // suffix-range: the last `last` bytes
            if (last < 0) {
                return WHOLE;
            }
            if (last == 0 || lengthBytes == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, lengthBytes - last), lengthBytes - 1);
        }
        if (first < 0 || (last < 0 && dash + 1 < spec.length())) {
            return WHOLE;
        }
        if (last >= 0 && last < first) {
            return WHOLE; // §14.1.1: last-pos below first-pos makes the spec invalid
        }
        if (first >= lengthBytes) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, last < 0 || last >= lengthBytes ? lengthBytes - 1 : last);
    }

    /**
     * The decimal number in {@code s[from, to)}: -1 when empty or not all digits; positions too
     * large for a long saturate at {@link Long#MAX_VALUE} (still past the end of any file).
     */
    private static long digits(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }
}
