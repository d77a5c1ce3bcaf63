package io.ringbolt.http;

import io.ringbolt.http.codec.RequestHead;
import io.ringbolt.http.h2.Http2Fields;
import java.util.Base64;
import java.util.Locale;

/**
 * The HTTP/1.1 side of {@code Upgrade: h2c} (RFC 7540 §3.2, kept by clients such as Java's
 * HttpClient although RFC 9113 deprecates it): which requests ask for it, their
 * {@code HTTP2-Settings}, and their fields restated as an HTTP/2 request.
 */
final class H2cUpgrade {
    private H2cUpgrade() {
    }

    /** An HTTP/1.1 request without a body that asks to upgrade to h2c. Requests with bodies stay on HTTP/1.1. */
    static boolean requested(RequestHead head) {
        if (head.version() != HttpVersion.HTTP_1_1 || head.contentLength() > 0 || head.isChunked()) {
            return false;
        }
        int upgrade = head.indexOf("upgrade", 0);
        int connection = head.indexOf("connection", 0);
        return upgrade >= 0 && connection >= 0 && head.valueHasToken(upgrade, "h2c")
                && head.valueHasToken(connection, "upgrade") && head.valueHasToken(connection, "http2-settings");
    }

    /** The decoded HTTP2-Settings payload, or null when it is missing, repeated or not base64url. */
    static byte[] settings(RequestHead head) {
        int i = head.indexOf("http2-settings", 0);
        if (i < 0 || head.indexOf("http2-settings", i + 1) >= 0) {
            return null;
        }
        String value = head.latin1(head.valueStart(i), head.valueEnd(i)).trim();
        try {
            byte[] payload = Base64.getUrlDecoder().decode(value);
            return payload.length % 6 == 0 ? payload : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The request as HTTP/2 fields: pseudo-headers first, connection-specific fields dropped. */
    static Http2Fields requestFields(RequestHead head) {
        Http2Fields fields = new Http2Fields()
                .add(":method", head.latin1(head.methodStart(), head.methodEnd()))
                .add(":scheme", "http")
                .add(":path", head.latin1(head.targetStart(), head.targetEnd()));
        int host = head.indexOf("host", 0);
        if (host >= 0) {
            fields.add(":authority", head.latin1(head.valueStart(host), head.valueEnd(host)));
        }
        for (int f = 0; f < head.fieldCount(); f++) {
            String name = head.latin1(head.nameStart(f), head.nameEnd(f)).toLowerCase(Locale.ROOT);
            switch (name) {
                case "host", "connection", "upgrade", "http2-settings", "keep-alive", "proxy-connection",
                     "transfer-encoding", "te" -> {
                }
                default -> fields.add(name, head.latin1(head.valueStart(f), head.valueEnd(f)));
            }
        }
        return fields;
    }
}
