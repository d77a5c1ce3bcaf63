package io.ringbolt.http;

import io.ringbolt.http.codec.RequestHead;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Formats one access-log line into a reused byte array, straight from the request head's
 * bytes: no String per field, no {@code String.format}. The time text is rebuilt once per
 * second and the remote address's text once per peer address object (a connection keeps one).
 *
 * <p>Threading: one instance per thread (the access log keeps one per reactor thread).
 */
final class AccessLogLine {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    private static final DateTimeFormatter COMBINED_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final DateTimeFormatter ISO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP_2_0 = "HTTP/2.0".getBytes(StandardCharsets.ISO_8859_1);

    private static final byte[] UNKNOWN_ADDRESS = {'-'};

    private final AccessLogFormat format;
    private final ZoneId zone;
    private byte[] buf = new byte[512];
    private int len;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedTime;
    private InetAddress cachedAddress;
    private byte[] cachedAddressText;

    AccessLogLine(AccessLogFormat format, ZoneId zone) {
        this.format = format;
        this.zone = zone;
    }

    /** Formats the line (ending in '\n') and returns a copy of exactly its bytes. */
    byte[] format(HttpRequest request, int status, long bytesSent, long durationNs, long nowMillis) {
        len = 0;
        long startMillis = nowMillis - durationNs / 1_000_000;
        if (format == AccessLogFormat.COMBINED) {
            combined(request, status, bytesSent, startMillis);
        } else {
            json(request, status, bytesSent, durationNs, startMillis);
        }
        put((byte) '\n');
        return Arrays.copyOf(buf, len);
    }

    private void combined(HttpRequest request, int status, long bytesSent, long startMillis) {
        RequestHead head = request.head();
        put(address(request.remoteAddress()));
        put(" - - [");
        put(time(startMillis / 1000));
        put("] \"");
        quotedBytes(head, head.methodStart(), head.methodEnd(), false);
        put((byte) ' ');
        quotedBytes(head, head.targetStart(), head.targetEnd(), false);
        put((byte) ' ');
        put(protocol(head));
        put("\" ");
        putLong(status);
        put((byte) ' ');
        putLong(bytesSent);
        put(" \"");
        combinedField(head, "referer");
        put("\" \"");
        combinedField(head, "user-agent");
        put((byte) '"');
    }

    private void combinedField(RequestHead head, String name) {
        int i = head.indexOf(name, 0);
        if (i < 0) {
            put((byte) '-');
        } else {
            quotedBytes(head, head.valueStart(i), head.valueEnd(i), false);
        }
    }

    private void json(HttpRequest request, int status, long bytesSent, long durationNs, long startMillis) {
        RequestHead head = request.head();
        put("{\"time\":\"");
        put(time(startMillis / 1000));
        put((byte) '.');
        int ms = (int) Math.floorMod(startMillis, 1000L);
        put((byte) ('0' + ms / 100));
        put((byte) ('0' + ms / 10 % 10));
        put((byte) ('0' + ms % 10));
        put("Z\",\"remote\":\"");
        put(address(request.remoteAddress()));
        put("\",\"method\":\"");
        quotedBytes(head, head.methodStart(), head.methodEnd(), true);
        put("\",\"target\":\"");
        quotedBytes(head, head.targetStart(), head.targetEnd(), true);
        put("\",\"protocol\":\"");
        put(protocol(head));
        put("\",\"status\":");
        putLong(status);
        put(",\"bytes\":");
        putLong(bytesSent);
        put(",\"duration_us\":");
        putLong(durationNs / 1000);
        put(",\"referer\":");
        jsonField(head, "referer");
        put(",\"user_agent\":");
        jsonField(head, "user-agent");
        put((byte) '}');
    }

    private void jsonField(RequestHead head, String name) {
        int i = head.indexOf(name, 0);
        if (i < 0) {
            put("null");
        } else {
            put((byte) '"');
            quotedBytes(head, head.valueStart(i), head.valueEnd(i), true);
            put((byte) '"');
        }
    }

    private static byte[] protocol(RequestHead head) {
        // nginx writes HTTP/2.0; log analysers expect a major.minor version.
        return switch (head.version()) {
            case HTTP_1_0 -> HTTP_1_0;
            case HTTP_1_1 -> HTTP_1_1;
            case HTTP_2 -> HTTP_2_0;
        };
    }

    /** Bytes [from, to) of the head, escaped for a quoted combined field or a JSON string. */
    private void quotedBytes(RequestHead head, int from, int to, boolean json) {
        ensure((to - from) * 6);
        for (int p = from; p < to; p++) {
            int b = head.byteAt(p) & 0xff;
            if (b == '"' || b == '\\') {
                buf[len++] = '\\';
                buf[len++] = (byte) b;
            } else if (b >= 0x20 && b < 0x7f) {
                buf[len++] = (byte) b;
            } else if (json) {
                // Non-ASCII request bytes read as ISO-8859-1: the line stays valid UTF-8 JSON.
                buf[len++] = '\\';
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[b >> 4];
                buf[len++] = HEX[b & 15];
            } else {
                buf[len++] = '\\';
                buf[len++] = 'x';
                buf[len++] = HEX[b >> 4];
                buf[len++] = HEX[b & 15];
            }
        }
    }

    private byte[] time(long epochSecond) {
        if (epochSecond != cachedSecond) {
            Instant t = Instant.ofEpochSecond(epochSecond);
            String text = format == AccessLogFormat.COMBINED
                    ? COMBINED_TIME.format(ZonedDateTime.ofInstant(t, zone))
                    : ISO_SECONDS.format(ZonedDateTime.ofInstant(t, ZoneId.of("UTC")));
            cachedTime = text.getBytes(StandardCharsets.ISO_8859_1);
            cachedSecond = epochSecond;
        }
        return cachedTime;
    }

    private byte[] address(InetSocketAddress remote) {
        InetAddress a = remote == null ? null : remote.getAddress();
        if (a == null) {
            return UNKNOWN_ADDRESS;
        }
        if (a != cachedAddress) {
            cachedAddressText = a.getHostAddress().getBytes(StandardCharsets.ISO_8859_1);
            cachedAddress = a;
        }
        return cachedAddressText;
    }

    private void putLong(long v) {
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void put(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
