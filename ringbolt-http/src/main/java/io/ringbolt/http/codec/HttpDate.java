package io.ringbolt.http.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate formatting, parsing of all three accepted formats,
 * and the response {@code Date} field line cached per second. Any thread.
 */
public final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** Two-digit years fall in the century ending 50 years from now (RFC 9110 §5.6.7). */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.now(ZoneOffset.UTC).minusYears(49))
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    /** One second's {@code Date: ...\r\n} line; replaced whole so readers never see a torn value. */
    private record CachedLine(long epochSecond, byte[] line, long fromNanos, long untilNanos) {
    }

    private static volatile CachedLine cached = new CachedLine(-1, new byte[0], 0, 0);

    private HttpDate() {
    }

    /** {@code epochMillis} as an IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * The field line {@code Date: <now>\r\n}. Formatted at most once per second (the first
     * caller of a new second formats it; racing callers format the same value). The array is
     * shared: never modify it.
     */
    public static byte[] dateFieldLine() {
        return dateFieldLine(System.nanoTime());
    }

    /**
     * As {@link #dateFieldLine()}, given a recent {@link System#nanoTime()} reading such as a
     * reactor's loop clock: while that lies inside the second the cached line was made for, the
     * wall clock is not read at all (a response then costs no clock call). A stale reading can
     * only make the line up to one loop iteration old.
     */
    public static byte[] dateFieldLine(long nowNanos) {
        CachedLine c = cached;
        if (nowNanos - c.fromNanos >= 0 && nowNanos - c.untilNanos < 0) {
            return c.line;
        }
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000);
        long secondStartNanos = nanos - (millis - second * 1000) * 1_000_000L;
        byte[] line = c.epochSecond == second
                ? c.line
                : ("Date: " + format(second * 1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        cached = new CachedLine(second, line, secondStartNanos, secondStartNanos + 1_000_000_000L);
        return line;
    }

    /**
     * Parses an IMF-fixdate, RFC 850 or asctime date.
     *
     * @return epoch milliseconds, or -1 when {@code text} is not a valid HTTP date
     */
    public static long parse(String text) {
        if (text == null) {
            return -1;
        }
        String t = text.trim();
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
            try {
                var parsed = f.parse(t);
                int year = parsed.get(ChronoField.YEAR);
                LocalDateTime ldt = LocalDateTime.of(year, parsed.get(ChronoField.MONTH_OF_YEAR),
                        parsed.get(ChronoField.DAY_OF_MONTH), parsed.get(ChronoField.HOUR_OF_DAY),
                        parsed.get(ChronoField.MINUTE_OF_HOUR), parsed.get(ChronoField.SECOND_OF_MINUTE));
                return ldt.toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (java.time.DateTimeException e) {
                // try the next format
            }
        }
        return -1;
    }
}
