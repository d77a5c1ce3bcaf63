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

    private static final String[] BR_GZIP = {"br", "gzip"};
    private static final String[] BR_ONLY = {"br"};
    private static final String[] GZIP_ONLY = {"gzip"};

    /**
     * Chooses a coding for a response to {@code head}.
     *
     * @param brAvailable   whether a br form can be sent
     * @param gzipAvailable whether a gzip form can be sent
     * @return {@link #IDENTITY}, {@link #GZIP} or {@link #BR}
     */
    public static int choose(RequestHead head, boolean brAvailable, boolean gzipAvailable) {
        String[] offered = brAvailable ? (gzipAvailable ? BR_GZIP : BR_ONLY) : (gzipAvailable ? GZIP_ONLY : null);
        if (offered == null) {
            return IDENTITY;
        }
        int i = choose(head, offered);
        return i < 0 ? IDENTITY : "br".equals(offered[i]) ? BR : GZIP;
    }

    /**
     * Chooses among the content-codings a server can produce, by the same policy: the heaviest
     * acceptable one wins, the earliest in {@code offered} on a tie; none (identity) when the
     * field is absent, when nothing offered has q &gt; 0, or when identity is listed heavier.
     * {@code x-gzip} counts as {@code gzip}.
     *
     * @param offered lower-case coding tokens in order of preference
     * @return the index in {@code offered} of the coding to use, or -1 for identity
     */
    public static int choose(RequestHead head, String[] offered) {
        if (offered.length == 0 || head.indexOf("accept-encoding", 0) < 0) {
            return -1;
        }
        int qAny = weight(head, "*");
        int best = -1;
        int bestQ = 0;
        for (int i = 0; i < offered.length; i++) {
            int q = weight(head, offered[i]);
            if (q == UNSET) {
                q = Math.max(qAny, 0);
            }
            if (q > bestQ) {
                best = i;
                bestQ = q;
            }
        }
        if (best < 0) {
            return -1;
        }
        int qIdentity = weight(head, "identity");
        return qIdentity != UNSET && qIdentity > bestQ ? -1 : best;
    }

    /** The highest q {@code token} is listed with in any Accept-Encoding field, or UNSET when it is not listed. */
    private static int weight(RequestHead head, String token) {
        int result = UNSET;
        for (int field = head.indexOf("accept-encoding", 0); field >= 0; field = head.indexOf("accept-encoding", field + 1)) {
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
                boolean match = (len == token.length() && is(head, s, token))
                        || ("gzip".equals(token) && len == 6 && is(head, s, "x-gzip"));
                if (match) {
                    result = Math.max(result, q);
                }
            }
        }
        return result;
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
