package io.ringbolt.http.codec;

import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.HttpVersion;

/**
 * The message-framing rules of RFC 9112 §6 and §9 applied to a request head field by field:
 * Host exactly once (on 1.1), Content-Length as one value (a list of equal values allowed),
 * Transfer-Encoding ending in a single chunked and never with Content-Length or on 1.0,
 * Connection tokens, and Expect. Unknown transfer codings give 501, unsupported expectations
 * 417, everything else that could desynchronise framing 400. Part of one
 * {@link RequestParser}; not thread-safe.
 */
final class FramingRules {
    private RequestHead head;
    private int valueStart;
    private int valueEnd;
    private int hostCount;
    private boolean teSeen, teLastChunked, teUnknown, teOtherCoding;
    private int teChunkedCount;
    private boolean connectionClose, connectionKeepAlive, expectUnsupported;
    private int errorStatus;
    private String errorReason;

    void reset() {
        head = null;
        hostCount = 0;
        teSeen = teLastChunked = teUnknown = teOtherCoding = false;
        teChunkedCount = 0;
        connectionClose = connectionKeepAlive = expectUnsupported = false;
        errorStatus = 0;
        errorReason = null;
    }

    int errorStatus() {
        return errorStatus;
    }

    String errorReason() {
        return errorReason;
    }

    private boolean failed(int status, String reason) {
        errorStatus = status;
        errorReason = reason;
        return false;
    }

    private boolean is(int p, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if (HttpChars.toLower(head.byteAt(p + i)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Applies the rules of the field that just ended; false (with a status) when it breaks one. */
    boolean onField(RequestHead head, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        this.head = head;
        this.valueStart = valueStart;
        this.valueEnd = valueEnd;
        int len = nameEnd - nameStart;
        switch (len) {
            case 4 -> {
                if (is(nameStart, "host") && ++hostCount > 1) {
                    return failed(HttpStatus.BAD_REQUEST, "duplicate Host");
                }
            }
            case 6 -> {
                if (is(nameStart, "expect")) {
                    if (valueEnd - valueStart == 12 && is(valueStart, "100-continue")) {
                        head.expectContinue = true;
                    } else {
                        expectUnsupported = true;
                    }
                }
            }
            case 10 -> {
                if (is(nameStart, "connection")) {
                    connectionTokens();
                }
            }
            case 14 -> {
                if (is(nameStart, "content-length")) {
                    return contentLength();
                }
            }
            case 17 -> {
                if (is(nameStart, "transfer-encoding")) {
                    return transferEncoding();
                }
            }
            default -> {
            }
        }
        return true;
    }

    private boolean contentLength() {
        long value = -1;
        int p = valueStart;
        int e = valueEnd;
        do {
            while (p < e && HttpChars.isOws(head.byteAt(p))) {
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < e && head.byteAt(p) >= '0' && head.byteAt(p) <= '9') {
                if (v > (Long.MAX_VALUE - 9) / 10) {
                    return failed(HttpStatus.BAD_REQUEST, "Content-Length overflow");
                }
                v = v * 10 + (head.byteAt(p) - '0');
                digits++;
                p++;
            }
            while (p < e && HttpChars.isOws(head.byteAt(p))) {
                p++;
            }
            if (digits == 0 || (p < e && head.byteAt(p) != ',')) {
                return failed(HttpStatus.BAD_REQUEST, "invalid Content-Length");
            }
            if (value >= 0 && v != value) {
                return failed(HttpStatus.BAD_REQUEST, "conflicting Content-Length values");
            }
            value = v;
            p++;
        } while (p < e);
        if (head.contentLength >= 0 && head.contentLength != value) {
            return failed(HttpStatus.BAD_REQUEST, "conflicting Content-Length fields");
        }
        head.contentLength = value;
        return true;
    }

    private boolean transferEncoding() {
        teSeen = true;
        int p = valueStart;
        int e = valueEnd;
        while (p < e) {
            while (p < e && (head.byteAt(p) == ',' || HttpChars.isOws(head.byteAt(p)))) {
                p++;
            }
            if (p == e) {
                break;
            }
            int s = p;
            while (p < e && HttpChars.isTchar(head.byteAt(p))) {
                p++;
            }
            int tokenEnd = p;
            boolean parameters = false;
            while (p < e && head.byteAt(p) != ',') {
                parameters |= head.byteAt(p) == ';';
                if (!HttpChars.isOws(head.byteAt(p)) && head.byteAt(p) != ';' && !parameters) {
                    return failed(HttpStatus.BAD_REQUEST, "invalid Transfer-Encoding");
                }
                p++;
            }
            if (tokenEnd == s) {
                return failed(HttpStatus.BAD_REQUEST, "invalid Transfer-Encoding");
            }
            int len = tokenEnd - s;
            boolean chunked = len == 7 && is(s, "chunked");
            teLastChunked = chunked;
            if (chunked) {
                teChunkedCount++;
                if (parameters) {
                    return failed(HttpStatus.BAD_REQUEST, "parameters on chunked");
                }
            } else if ((len == 4 && is(s, "gzip")) || (len == 6 && is(s, "x-gzip"))
                    || (len == 7 && is(s, "deflate")) || (len == 8 && is(s, "compress"))
                    || (len == 10 && is(s, "x-compress"))) {
                teOtherCoding = true;
            } else {
                teUnknown = true;
            }
        }
        return true;
    }

    private void connectionTokens() {
        int p = valueStart;
        int e = valueEnd;
        while (p < e) {
            while (p < e && (head.byteAt(p) == ',' || HttpChars.isOws(head.byteAt(p)))) {
                p++;
            }
            int s = p;
            while (p < e && head.byteAt(p) != ',') {
                p++;
            }
            int t = p;
            while (t > s && HttpChars.isOws(head.byteAt(t - 1))) {
                t--;
            }
            if (t - s == 5 && is(s, "close")) {
                connectionClose = true;
            } else if (t - s == 10 && is(s, "keep-alive")) {
                connectionKeepAlive = true;
            }
        }
    }

    /** Checks the whole head once it is complete and derives framing and keep-alive. */
    boolean finish(RequestHead head) {
        this.head = head;
        HttpVersion v = head.version;
        if (v == HttpVersion.HTTP_1_1 && hostCount == 0) {
            return failed(HttpStatus.BAD_REQUEST, "missing Host");
        }
        if (teSeen) {
            if (v == HttpVersion.HTTP_1_0) {
                return failed(HttpStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (head.contentLength >= 0) {
                return failed(HttpStatus.BAD_REQUEST, "Content-Length with Transfer-Encoding");
            }
            if (teUnknown) {
                return failed(HttpStatus.NOT_IMPLEMENTED, "unknown transfer coding");
            }
            if (!teLastChunked || teChunkedCount != 1) {
                return failed(HttpStatus.BAD_REQUEST, "chunked is not the final transfer coding");
            }
            if (teOtherCoding) {
                return failed(HttpStatus.NOT_IMPLEMENTED, "unsupported transfer coding");
            }
            head.chunked = true;
        }
        HttpMethod m = head.method;
        if (head.targetForm == RequestHead.TargetForm.ASTERISK && m != HttpMethod.OPTIONS) {
            return failed(HttpStatus.BAD_REQUEST, "asterisk-form is only for OPTIONS");
        }
        if (m == HttpMethod.CONNECT && head.targetForm != RequestHead.TargetForm.AUTHORITY) {
            return failed(HttpStatus.BAD_REQUEST, "CONNECT needs authority-form");
        }
        if (expectUnsupported) {
            return failed(HttpStatus.EXPECTATION_FAILED, "unsupported expectation");
        }
        head.keepAlive = v == HttpVersion.HTTP_1_1 ? !connectionClose : connectionKeepAlive && !connectionClose;
        return true;
    }
}
