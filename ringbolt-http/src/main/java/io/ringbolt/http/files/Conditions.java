package io.ringbolt.http.files;

import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.codec.HttpDate;

/**
 * What a request makes of a static file's answer: its validators ({@code If-None-Match}, or
 * else {@code If-Modified-Since}), and its {@code Range} with {@code If-Range}. Read on the
 * reactor before any hand-off, so a loader thread never touches the request. Immutable; any
 * thread.
 *
 * @param ifNoneMatch            the field, or null
 * @param ifModifiedSinceSeconds epoch seconds of {@code If-Modified-Since}, or -1
 * @param range                  the {@code Range} field of a GET, or null
 * @param ifRange                the {@code If-Range} field when there is a range, or null
 * @param headOnly               the request is HEAD: the answer has fields but no body
 */
record Conditions(String ifNoneMatch, long ifModifiedSinceSeconds, String range, String ifRange, boolean headOnly) {
    static final Conditions NONE = new Conditions(null, -1, null, null, false);
    static final Conditions NONE_HEAD = new Conditions(null, -1, null, null, true);

    /** The conditions of {@code request}; {@link #NONE} (no allocation) when it has none. Its thread. */
    static Conditions of(HttpRequest request) {
        String inm = request.header("If-None-Match");
        String ims = inm == null ? request.header("If-Modified-Since") : null;
        // RFC 9110 §14.2: GET is the only method range handling is defined for.
        String range = request.method() == HttpMethod.GET ? request.header("Range") : null;
        boolean head = request.method() == HttpMethod.HEAD;
        if (inm == null && ims == null && range == null) {
            return head ? NONE_HEAD : NONE;
        }
        long millis = ims == null ? -1 : HttpDate.parse(ims);
        return new Conditions(inm, millis < 0 ? -1 : millis / 1000, range,
                range == null ? null : request.header("If-Range"), head);
    }

    /** True when the client's copy of {@code representation} is current: answer 304. */
    boolean notModified(FileEntry representation, FileEntry file) {
        if (ifNoneMatch != null) {
            return etagMatches(ifNoneMatch, representation.etag());
        }
        return ifModifiedSinceSeconds >= 0 && file.modifiedSeconds() <= ifModifiedSinceSeconds;
    }

    /** What of the unencoded {@code representation} to send: {@link ByteRange#WHOLE}, unsatisfiable, or a range. */
    ByteRange range(FileEntry representation, FileEntry file) {
        if (range == null || (ifRange != null && !ifRangeHolds(representation, file))) {
            return ByteRange.WHOLE;
        }
        return ByteRange.parse(range, representation.size());
    }

    /** The bytes of {@code representation} the answer carries, or null for none (HEAD, 304, 416). */
    ByteRange bytesToSend(FileEntry file, FileEntry representation, String coding) {
        if (headOnly || notModified(representation, file)) {
            return null;
        }
        ByteRange r = coding == null ? range(representation, file) : ByteRange.WHOLE;
        if (r == ByteRange.UNSATISFIABLE) {
            return null;
        }
        return r == ByteRange.WHOLE ? new ByteRange(0, representation.size() - 1) : r;
    }

    /**
     * RFC 9110 §13.1.5: an entity tag must match strongly (a weak one never does); a date
     * must equal {@code Last-Modified}; anything else does not hold.
     */
    private boolean ifRangeHolds(FileEntry representation, FileEntry file) {
        String v = ifRange.strip();
        if (v.startsWith("\"")) {
            return v.equals(representation.etag());
        }
        if (v.startsWith("W/")) {
            return false;
        }
        long millis = HttpDate.parse(v);
        return millis >= 0 && millis / 1000 == file.modifiedSeconds();
    }

    /** Weak comparison over a list of entity tags (RFC 9110 §13.1.2). */
    static boolean etagMatches(String header, String etag) {
        String h = header.trim();
        if (h.equals("*")) {
            return true;
        }
        for (String candidate : h.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
