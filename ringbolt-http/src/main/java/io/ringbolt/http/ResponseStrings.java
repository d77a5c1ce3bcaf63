package io.ringbolt.http;

import java.nio.charset.StandardCharsets;

/**
 * Field values an HTTP/2 response head repeats, made once instead of per response: small
 * decimals ({@code :status}, short {@code content-length}s) and the {@code date} of the current
 * second. Any thread: the caches are filled racily with immutable strings, so the worst a race
 * costs is a string made twice.
 */
final class ResponseStrings {
    static final int CACHED_DECIMALS = 1024;
    private static final String[] DECIMALS = new String[CACHED_DECIMALS];
    /** The date line ({@link io.ringbolt.http.codec.HttpDate#dateFieldLine}) and its value as a string. */
    private static volatile DateValue date = new DateValue(new byte[0], "");

    private record DateValue(byte[] line, String value) {
    }

    private ResponseStrings() {
    }

    /** {@code Integer.toString(n)}, without allocating for 0 ≤ n < {@value #CACHED_DECIMALS}. */
    static String decimal(long n) {
        if (n < 0 || n >= CACHED_DECIMALS) {
            return Long.toString(n);
        }
        String s = DECIMALS[(int) n];
        if (s == null) {
            s = Long.toString(n);
            DECIMALS[(int) n] = s;
        }
        return s;
    }

    /**
     * The value of a {@code "Date: ...\r\n"} line; the line of the current second is the same
     * array until the second changes, so its string is made once a second.
     */
    static String date(byte[] dateLine) {
        DateValue d = date;
        if (d.line() != dateLine) {
            d = new DateValue(dateLine, new String(dateLine, 6, dateLine.length - 8, StandardCharsets.ISO_8859_1));
            date = d;
        }
        return d.value();
    }
}
