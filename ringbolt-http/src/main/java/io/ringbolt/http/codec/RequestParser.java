package io.ringbolt.http.codec;

import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.HttpVersion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Strict, incremental, zero-copy parser of an HTTP/1.1 request head (RFC 9112 §2–§7).
 *
 * <p>The caller presents the bytes of one request from its first byte; when the head is
 * incomplete it presents them again, followed by more, and the parser resumes where it stopped
 * (it never rescans). Nothing is copied: the result is positions in a {@link RequestHead}.
 * Every field line is checked as soon as it ends, so framing attacks are rejected before the
 * header section is complete.
 *
 * <p>Strictness: bare CR or LF, obs-fold, whitespace before a colon, control characters, NUL,
 * non-ASCII bytes in the target, fragments, userinfo, malformed or conflicting Content-Length,
 * Content-Length with Transfer-Encoding, duplicate Host and missing Host on 1.1 are rejected.
 * Leading empty lines before the request-line are skipped (RFC 9112 §2.2).
 *
 * <p>Errors are values: {@link #ERROR} with {@link #errorStatus()} (400, 414, 417, 431, 501, 505)
 * and a constant {@link #errorReason()}. After any error the connection must be closed.
 * One instance per connection; not thread-safe.
 */
public final class RequestParser {
    /** {@link #parse} result: the head is incomplete; present the same bytes plus more. */
    public static final int NEED_MORE = 0;
    /** {@link #parse} result: the head is invalid; see {@link #errorStatus()}. */
    public static final int ERROR = -1;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    /** Eight bytes at once, first byte in the low bits whatever the platform's order. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long HTTP_1_1 = word("HTTP/1.1");
    private static final long HTTP_1_0 = word("HTTP/1.0");
    /** {@link #parseComplete} result: not decided on the fast path, parse byte by byte. */
    private static final int UNDECIDED = Integer.MIN_VALUE;
    private static final int MAX_METHOD_BYTES = 32;
    private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};

    private static final int S_START = 0, S_START_LF = 1, S_METHOD = 2, S_TARGET_START = 3, S_TARGET = 4,
            S_VERSION = 5, S_VERSION_CR = 6, S_REQUEST_LINE_LF = 7, S_FIELD_START = 8, S_NAME = 9,
            S_VALUE_OWS = 10, S_VALUE = 11, S_FIELD_LF = 12, S_HEAD_END_LF = 13, S_DONE = 14, S_ERROR = 15;

    private final int maxTargetBytes;
    private final int maxHeadBytes;
    private final int maxFieldCount;
    private final RequestHead head = new RequestHead();

    private MemorySegment buf;
    private long start;
    private int state;
    private int pos;
    private int questionPos;
    private int versionIndex;
    private int major;
    private int nameStart, nameEnd, valueStart, valueEnd;
    private final FramingRules rules = new FramingRules();
    private int errorStatus;
    private String errorReason;

    /**
     * @param maxTargetBytes longest request-target accepted (longer: 414)
     * @param maxHeadBytes   largest request head, request-line included (larger: 431)
     * @param maxFieldCount  most header fields (more: 431)
     */
    public RequestParser(int maxTargetBytes, int maxHeadBytes, int maxFieldCount) {
        if (maxTargetBytes < 1 || maxHeadBytes < 16 || maxFieldCount < 1) {
            throw new IllegalArgumentException("limits: maxTargetBytes=" + maxTargetBytes + " maxHeadBytes="
                    + maxHeadBytes + " maxFieldCount=" + maxFieldCount + " (too small)");
        }
        this.maxTargetBytes = maxTargetBytes;
        this.maxHeadBytes = maxHeadBytes;
        this.maxFieldCount = maxFieldCount;
        reset();
    }

    /** Prepares for the next request head. */
    public void reset() {
        head.reset();
        state = S_START;
        pos = 0;
        questionPos = -1;
        versionIndex = 0;
        major = 0;
        rules.reset();
        errorStatus = 0;
        errorReason = null;
    }

    /** The head being parsed; complete after {@link #parse} returned a length. */
    public RequestHead head() {
        return head;
    }

    /** True once any byte of the current head has been examined (a request is under way). */
    public boolean inProgress() {
        return pos > 0;
    }

    /** Status of the last {@link #ERROR}: 400, 414, 417, 431, 501 or 505. */
    public int errorStatus() {
        return errorStatus;
    }

    /** Short constant description of the last {@link #ERROR}. */
    public String errorReason() {
        return errorReason;
    }

    /**
     * Parses {@code available} bytes at {@code start} of {@code segment}, the same request's
     * bytes as on the previous call plus any new ones.
     *
     * @return the head length (&gt; 0) when complete, {@link #NEED_MORE}, or {@link #ERROR}
     */
    public int parse(MemorySegment segment, long start, int available) {
        if (state == S_DONE) {
            return head.length;
        }
        if (state == S_ERROR) {
            return ERROR;
        }
        this.buf = segment;
        this.start = start;
        head.relocate(segment, start);
        int limit = Math.min(available, maxHeadBytes);
        if (state == S_START && pos == 0) {
            int n = parseComplete(segment, start, limit);
            if (n != UNDECIDED) {
                return n;
            }
            reset();
            head.relocate(segment, start);
        }
        int p = pos;
        while (p < limit) {
            int b = at(p);
            switch (state) {
                case S_START -> {
                    if (b == HttpChars.CR) {
                        state = S_START_LF;
                    } else if (HttpChars.isTchar(b)) {
                        head.methodStart = p;
                        state = S_METHOD;
                    } else {
                        return fail(HttpStatus.BAD_REQUEST, "invalid request-line");
                    }
                    p++;
                }
                case S_START_LF -> {
                    if (b != HttpChars.LF) {
                        return fail(HttpStatus.BAD_REQUEST, "bare CR");
                    }
                    p++;
                    state = S_START;
                }
                case S_METHOD -> {
                    if (HttpChars.isTchar(b)) {
                        if (p - head.methodStart >= MAX_METHOD_BYTES) {
                            return fail(HttpStatus.NOT_IMPLEMENTED, "method too long");
                        }
                        p++;
                    } else if (b == HttpChars.SP) {
                        head.methodEnd = p;
                        head.method = HttpMethod.of(buf, start + head.methodStart, p - head.methodStart);
                        state = S_TARGET_START;
                        p++;
                    } else {
                        return fail(HttpStatus.BAD_REQUEST, "invalid method");
                    }
                }
                case S_TARGET_START -> {
                    if (!HttpChars.isTargetChar(b) || b == '?') {
                        return fail(HttpStatus.BAD_REQUEST, "invalid request-target");
                    }
                    head.targetStart = p;
                    state = S_TARGET;
                }
                case S_TARGET -> {
                    int q = p;
                    int stop = Math.min(limit, head.targetStart + maxTargetBytes + 1);
                    while (q < stop) {
                        int c = at(q);
                        if (!HttpChars.isTargetChar(c)) {
                            break;
                        }
                        if (c == '?' && questionPos < 0) {
                            questionPos = q;
                        }
                        q++;
                    }
                    if (q - head.targetStart > maxTargetBytes) {
                        return fail(HttpStatus.URI_TOO_LONG, "request-target too long");
                    }
                    p = q;
                    if (q < limit) {
                        if (at(q) != HttpChars.SP) {
                            return fail(HttpStatus.BAD_REQUEST, "invalid character in request-target");
                        }
                        head.targetEnd = q;
                        if (!analyzeTarget(true)) {
                            return ERROR;
                        }
                        state = S_VERSION;
                        p = q + 1;
                    }
                }
                case S_VERSION -> {
                    if (!versionByte(b)) {
                        return ERROR;
                    }
                    p++;
                }
                case S_VERSION_CR -> {
                    if (b != HttpChars.CR) {
                        return fail(HttpStatus.BAD_REQUEST, "invalid HTTP-version");
                    }
                    state = S_REQUEST_LINE_LF;
                    p++;
                }
                case S_REQUEST_LINE_LF, S_FIELD_LF -> {
                    if (b != HttpChars.LF) {
                        return fail(HttpStatus.BAD_REQUEST, "bare CR");
                    }
                    if (state == S_FIELD_LF && !onField()) {
                        return ERROR;
                    }
                    state = S_FIELD_START;
                    p++;
                }
                case S_FIELD_START -> {
                    if (b == HttpChars.CR) {
                        state = S_HEAD_END_LF;
                    } else if (HttpChars.isTchar(b)) {
                        nameStart = p;
                        state = S_NAME;
                    } else if (HttpChars.isOws(b)) {
                        return fail(HttpStatus.BAD_REQUEST, "obs-fold or whitespace before field name");
                    } else if (b == HttpChars.LF) {
                        return fail(HttpStatus.BAD_REQUEST, "bare LF");
                    } else {
                        return fail(HttpStatus.BAD_REQUEST, "invalid field name");
                    }
                    p++;
                }
                case S_NAME -> {
                    int q = p;
                    while (q < limit && HttpChars.isTchar(at(q))) {
                        q++;
                    }
                    p = q;
                    if (q < limit) {
                        if (at(q) != ':') {
                            return fail(HttpStatus.BAD_REQUEST, "invalid field name");
                        }
                        nameEnd = q;
                        state = S_VALUE_OWS;
                        p = q + 1;
                    }
                }
                case S_VALUE_OWS -> {
                    if (HttpChars.isOws(b)) {
                        p++;
                    } else if (b == HttpChars.CR) {
                        valueStart = valueEnd = p;
                        state = S_FIELD_LF;
                        p++;
                    } else if (HttpChars.isFieldVchar(b)) {
                        valueStart = p;
                        valueEnd = p + 1;
                        state = S_VALUE;
                        p++;
                    } else {
                        return fail(HttpStatus.BAD_REQUEST, "invalid character in field value");
                    }
                }
                case S_VALUE -> {
                    int q = p;
                    int c = 0;
                    while (q < limit) {
                        c = at(q);
                        if (HttpChars.isFieldVchar(c)) {
                            valueEnd = q + 1;
                        } else if (!HttpChars.isOws(c)) {
                            break;
                        }
                        q++;
                    }
                    p = q;
                    if (q < limit) {
                        if (c != HttpChars.CR) {
                            return fail(HttpStatus.BAD_REQUEST,
                                    c == HttpChars.LF ? "bare LF" : "invalid character in field value");
                        }
                        state = S_FIELD_LF;
                        p = q + 1;
                    }
                }
                case S_HEAD_END_LF -> {
                    if (b != HttpChars.LF) {
                        return fail(HttpStatus.BAD_REQUEST, "bare CR");
                    }
                    p++;
                    pos = p;
                    head.length = p;
                    if (!finish()) {
                        return ERROR;
                    }
                    state = S_DONE;
                    return p;
                }
                default -> throw new IllegalStateException("state=" + state);
            }
        }
        pos = p;
        if (p >= maxHeadBytes) {
            return state <= S_TARGET
                    ? fail(HttpStatus.URI_TOO_LONG, "request-line too long")
                    : fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large");
        }
        return NEED_MORE;
    }

    /**
     * The fast path for the common case, a complete and plain head presented at once: tight
     * loops over locals, field values scanned eight bytes at a time. It only accepts; anything it
     * does not recognise (an incomplete head, a leading empty line, a control or unusual byte,
     * a limit reached, a framing rule broken) returns {@link #UNDECIDED} and the caller resets
     * and runs the byte-by-byte state machine from the first byte, which decides — so both paths
     * accept the same heads with the same result, and every error comes from one place.
     */
    private int parseComplete(MemorySegment seg, long base, int limit) {
        int p = 0;
        int c = 0;
        while (p < limit && p <= MAX_METHOD_BYTES) {
            c = seg.get(BYTE, base + p) & 0xFF;
            if (!HttpChars.isTchar(c)) {
                break;
            }
            p++;
        }
        if (p == 0 || p > MAX_METHOD_BYTES || p >= limit || c != ' ') {
            return UNDECIDED;
        }
        head.methodStart = 0;
        head.methodEnd = p;
        head.method = HttpMethod.of(seg, base, p);
        int ts = ++p;
        int question = -1;
        boolean percent = false;
        int targetLimit = Math.min(limit, ts + maxTargetBytes);
        while (p < targetLimit) {
            c = seg.get(BYTE, base + p) & 0xFF;
            if (!HttpChars.isTargetChar(c)) {
                break;
            }
            if (c == '?' && question < 0) {
                question = p;
            }
            percent |= c == '%';
            p++;
        }
        if (p == ts || p >= targetLimit || c != ' ' || question == ts) {
            return UNDECIDED;
        }
        head.targetStart = ts;
        head.targetEnd = p;
        questionPos = question;
        if (!analyzeTarget(percent)) {
            return UNDECIDED;
        }
        p++;
        if (p + 10 > limit) {
            return UNDECIDED;
        }
        long version = seg.get(WORD, base + p);
        if (version == HTTP_1_1) {
            head.version = HttpVersion.HTTP_1_1;
        } else if (version == HTTP_1_0) {
            head.version = HttpVersion.HTTP_1_0;
        } else {
            return UNDECIDED;
        }
        if (seg.get(BYTE, base + p + 8) != HttpChars.CR || seg.get(BYTE, base + p + 9) != HttpChars.LF) {
            return UNDECIDED;
        }
        p += 10;
        while (true) {
            if (p + 2 > limit) {
                return UNDECIDED;
            }
            c = seg.get(BYTE, base + p) & 0xFF;
            if (c == HttpChars.CR) {
                if (seg.get(BYTE, base + p + 1) != HttpChars.LF) {
                    return UNDECIDED;
                }
                p += 2;
                break;
            }
            int ns = p;
            while (p < limit) {
                c = seg.get(BYTE, base + p) & 0xFF;
                if (!HttpChars.isTchar(c)) {
                    break;
                }
                p++;
            }
            if (p == ns || p >= limit || c != ':') {
                return UNDECIDED;
            }
            int ne = p++;
            while (p < limit && HttpChars.isOws(seg.get(BYTE, base + p))) {
                p++;
            }
            int vs = p;
            int cr = findLineEnd(seg, base, p, limit);
            if (cr < 0 || cr + 1 >= limit || seg.get(BYTE, base + cr + 1) != HttpChars.LF
                    || head.fieldCount >= maxFieldCount) {
                return UNDECIDED;
            }
            int ve = cr;
            while (ve > vs && HttpChars.isOws(seg.get(BYTE, base + ve - 1))) {
                ve--;
            }
            head.addField(ns, ne, vs, ve);
            if (!rules.onField(head, ns, ne, vs, ve)) {
                return UNDECIDED;
            }
            p = cr + 2;
        }
        head.length = p;
        if (!rules.finish(head)) {
            return UNDECIDED;
        }
        pos = p;
        state = S_DONE;
        return p;
    }

    /**
     * The CR ending a field value that starts at {@code p}, with every byte before it a
     * field-vchar, SP or HTAB; -1 when the value is not known to be plain and complete below
     * {@code limit}. Eight bytes per step: a byte below 0x20 or equal to 0x7F is flagged
     * (exact for the lowest flagged byte, which is all that is used), then looked at alone.
     */
    private static int findLineEnd(MemorySegment seg, long base, int p, int limit) {
        while (true) {
            while (p + 8 <= limit) {
                long w = seg.get(WORD, base + p);
                long del = w ^ 0x7F7F7F7F7F7F7F7FL;
                long flags = ((w - 0x2020202020202020L) & ~w | (del - ONES) & ~del) & HIGHS;
                if (flags != 0) {
                    p += Long.numberOfTrailingZeros(flags) >>> 3;
                    break;
                }
                p += 8;
            }
            while (p < limit) {
                int c = seg.get(BYTE, base + p) & 0xFF;
                if (c < 0x20 || c == 0x7F) {
                    break;
                }
                p++;
            }
            if (p >= limit) {
                return -1;
            }
            int c = seg.get(BYTE, base + p);
            if (c == HttpChars.CR) {
                return p;
            }
            if (c != HttpChars.HTAB) {
                return -1;
            }
            p++;
        }
    }

    private static long word(String eight) {
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = (w << 8) | (eight.charAt(i) & 0xFF);
        }
        return w;
    }

    private int at(int p) {
        return buf.get(BYTE, start + p) & 0xFF;
    }

    private int fail(int status, String reason) {
        state = S_ERROR;
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }

    private boolean failed(int status, String reason) {
        fail(status, reason);
        return false;
    }

    private boolean versionByte(int b) {
        int i = versionIndex++;
        if (i < 5) {
            return b == HTTP_SLASH[i] || failed(HttpStatus.BAD_REQUEST, "invalid HTTP-version");
        }
        if (i == 6) {
            return b == '.' || failed(HttpStatus.BAD_REQUEST, "invalid HTTP-version");
        }
        if (b < '0' || b > '9') {
            return failed(HttpStatus.BAD_REQUEST, "invalid HTTP-version");
        }
        if (i == 5) {
            major = b - '0';
            return true;
        }
        if (major != 1) {
            return failed(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "unsupported HTTP major version");
        }
        head.version = b == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        state = S_VERSION_CR;
        return true;
    }

    /** @param checkPercent false when the target is known to hold no '%' */
    private boolean analyzeTarget(boolean checkPercent) {
        int s = head.targetStart;
        int e = head.targetEnd;
        for (int i = s; checkPercent && i < e; i++) {
            if (at(i) == '%') {
                if (i + 2 >= e || HttpChars.hexValue(at(i + 1)) < 0 || HttpChars.hexValue(at(i + 2)) < 0) {
                    return failed(HttpStatus.BAD_REQUEST, "invalid percent-encoding in request-target");
                }
                i += 2;
            }
        }
        int pathEnd = questionPos >= 0 ? questionPos : e;
        head.queryStart = questionPos >= 0 ? questionPos + 1 : -1;
        int first = at(s);
        if (first == '/') {
            head.targetForm = RequestHead.TargetForm.ORIGIN;
            head.pathStart = s;
            head.pathEnd = pathEnd;
            return true;
        }
        if (first == '*') {
            if (e - s != 1) {
                return failed(HttpStatus.BAD_REQUEST, "invalid request-target");
            }
            head.targetForm = RequestHead.TargetForm.ASTERISK;
            head.pathStart = s;
            head.pathEnd = e;
            return true;
        }
        int i = s;
        while (i < e && isSchemeChar(at(i))) {
            i++;
        }
        if (isAlpha(first) && i + 2 < e && at(i) == ':' && at(i + 1) == '/' && at(i + 2) == '/') {
            return absoluteForm(s, i, e, pathEnd);
        }
        if (head.method == HttpMethod.CONNECT) {
            head.targetForm = RequestHead.TargetForm.AUTHORITY;
            head.pathStart = head.pathEnd = s;
            return true;
        }
        return failed(HttpStatus.BAD_REQUEST, "invalid request-target");
    }

    private boolean absoluteForm(int s, int schemeEnd, int e, int pathEnd) {
        int len = schemeEnd - s;
        boolean http = len == 4 && matchesLower(s, "http");
        boolean https = len == 5 && matchesLower(s, "https");
        if (!http && !https) {
            return failed(HttpStatus.BAD_REQUEST, "unsupported URI scheme");
        }
        int authorityStart = schemeEnd + 3;
        int a = authorityStart;
        while (a < e) {
            int c = at(a);
            if (c == '/' || c == '?') {
                break;
            }
            if (c == '@') {
                return failed(HttpStatus.BAD_REQUEST, "userinfo in request-target");
            }
            a++;
        }
        if (a == authorityStart) {
            return failed(HttpStatus.BAD_REQUEST, "empty authority in request-target");
        }
        head.targetForm = RequestHead.TargetForm.ABSOLUTE;
        head.pathStart = a;
        head.pathEnd = Math.max(a, pathEnd);
        return true;
    }

    private boolean onField() {
        if (head.fieldCount >= maxFieldCount) {
            return failed(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header fields");
        }
        head.addField(nameStart, nameEnd, valueStart, valueEnd);
        return rules.onField(head, nameStart, nameEnd, valueStart, valueEnd)
                || failed(rules.errorStatus(), rules.errorReason());
    }

    private boolean finish() {
        return rules.finish(head) || failed(rules.errorStatus(), rules.errorReason());
    }

    private boolean matchesLower(int p, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if (HttpChars.toLower(at(p + i)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSchemeChar(int c) {
        return isAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }
}
