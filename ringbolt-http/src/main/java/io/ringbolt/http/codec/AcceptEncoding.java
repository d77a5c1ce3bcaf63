package io.ringbolt.http.codec;

/**
 * Content-coding negotiation from {@code Accept-Encoding} (RFC 9110 §12.5.3) over the raw
 * field values of a {@link RequestHead}, without allocating.
 *
 * <p>Policy: no field means no compression (never compress when not asked); a coding's weight
 * is its own q-value, else that of {@code *}, else 0; the heaviest acceptable coding wins, br
 * before gzip on a tie; identity wins over a coding only when it is listed with a higher
 * weight. A response is never refused for want of an acceptable coding: identity is the
 * fallback. Stateless; any thread.
 */
public final class AcceptEncoding {
    /** Send the content as it is. */
    public static final int IDENTITY = 0;
    /** Send gzip. */
    public static final int GZIP = 1;
    /** Send br. */
    public static final int BR = 2;

    private static final int UNSET = -1;

    private AcceptEncoding() {
    }

    /**
     * Chooses a coding for a response to {@code head}.
     *
     * @param brAvailable   whether a br form can be sent
     * @param gzipAvailable whether a gzip form can be sent
     * @return {@link #IDENTITY}, {@link #GZIP} or {@link #BR}
     */
    public static int choose(RequestHead head, boolean brAvailable, boolean gzipAvailable) {
        int field = head.indexOf("accept-encoding", 0);
        if (field < 0 || (!brAvailable && !gzipAvailable)) {
            return IDENTITY;
        }
        int qBr = UNSET, qGzip = UNSET, qIdentity = UNSET, qAny = UNSET;
        for (; field >= 0; field = head.indexOf("accept-encoding", field + 1)) {
            int p = head.valueStart(field);
            int end = head.valueEnd(field);
            while (p < end) {
                while (p < end && (head.byteAt(p) == ',' || HttpChars.isOws(head.byteAt(p)))) {
                    p++;
                }
                int s = p;
                while (p < end && HttpChars.isTchar(head.byteAt(p))) {
                    p++;
                }
                int tokenEnd = p;
                int q = 1000;
                while (p < end && head.byteAt(p) != ',') {
                    if (head.byteAt(p) == ';') {
                        int parsed = parseQ(head, p + 1, end);
                        if (parsed >= 0) {
                            q = parsed;
                        }
                    }
                    p++;
                }
                int len = tokenEnd - s;
                if (len == 2 && is(head, s, "br")) {
                    qBr = Math.max(qBr, q);
                } else if ((len == 4 && is(head, s, "gzip")) || (len == 6 && is(head, s, "x-gzip"))) {
                    qGzip = Math.max(qGzip, q);
                } else if (len == 8 && is(head, s, "identity")) {
                    qIdentity = Math.max(qIdentity, q);
                } else if (len == 1 && head.byteAt(s) == '*') {
                    qAny = Math.max(qAny, q);
                }
            }
        }
        int br = brAvailable ? (qBr != UNSET ? qBr : Math.max(qAny, 0)) : 0;
        int gzip = gzipAvailable ? (qGzip != UNSET ? qGzip : Math.max(qAny, 0)) : 0;
        int best = Math.max(br, gzip);
        if (best == 0 || (qIdentity != UNSET && qIdentity > best)) {
            return IDENTITY;
        }
        return br >= gzip ? BR : GZIP;
    }

    /** Parses {@code q=0.xyz} after a ';'; returns thousandths or -1 when it is another parameter. */
    private static int parseQ(RequestHead head, int p, int end) {
        while (p < end && HttpChars.isOws(head.byteAt(p))) {
            p++;
        }
        if (p + 1 >= end || HttpChars.toLower(head.byteAt(p)) != 'q' || head.byteAt(p + 1) != '=') {
            return -1;
        }
        p += 2;
        if (p >= end) {
            return -1;
        }
        int whole = head.byteAt(p) - '0';
        if (whole != 0 && whole != 1) {
            return -1;
        }
        int value = whole * 1000;
        p++;
        if (p < end && head.byteAt(p) == '.') {
            p++;
            int scale = 100;
            while (p < end && scale > 0 && head.byteAt(p) >= '0' && head.byteAt(p) <= '9') {
                value += (head.byteAt(p) - '0') * scale;
                scale /= 10;
                p++;
            }
        }
        return Math.min(value, 1000);
    }

    private static boolean is(RequestHead head, int p, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if (HttpChars.toLower(head.byteAt(p + i)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
