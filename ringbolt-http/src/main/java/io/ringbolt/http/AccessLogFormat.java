package io.ringbolt.http;

import java.util.Locale;

/** The line formats of {@link AccessLog}. */
public enum AccessLogFormat {
    /**
     * Apache/nginx "combined": {@code remote - - [time] "request line" status bytes "referer"
     * "user-agent"}, time in the local zone ({@code 05/Dec/2026:08:26:22 +0000}) when the request
     * head was parsed. Bytes are those handed to the connection: the whole response (head and
     * body) for HTTP/1.x, the body only for HTTP/2. Quoted fields escape {@code "}, {@code \},
     * control and non-ASCII bytes as {@code \"}, {@code \\}, {@code \xHH} (as Apache does).
     */
    COMBINED,
    /**
     * One JSON object per line, valid UTF-8 whatever the request carried: {@code time} (ISO-8601
     * UTC with milliseconds), {@code remote}, {@code method}, {@code target}, {@code protocol},
     * {@code status}, {@code bytes}, {@code duration_us}, {@code referer} and {@code user_agent}
     * (null when absent). Request bytes are read as ISO-8859-1.
     */
    JSON;

    /** {@code "combined"} or {@code "json"} (any case). */
    public static AccessLogFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "combined" -> COMBINED;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("access-log-format=" + name + " (expected combined or json)");
        };
    }
}
