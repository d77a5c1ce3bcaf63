package io.ringbolt.http.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDateTest {
    static final long EXAMPLE_MILLIS = 784111777000L;

    @Test
    void formatsImfFixdateWithTwoDigitDays() {
        assertThat(HttpDate.format(EXAMPLE_MILLIS)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void parsesAllThreeFormats() {
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE_MILLIS);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(EXAMPLE_MILLIS);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(EXAMPLE_MILLIS);
        assertThat(HttpDate.parse("yesterday")).isEqualTo(-1);
        assertThat(HttpDate.parse(null)).isEqualTo(-1);
    }

    @Test
    void dateFieldLineIsCachedPerSecond() {
        byte[] a = HttpDate.dateFieldLine();
        byte[] b = HttpDate.dateFieldLine();
        String line = new String(b, StandardCharsets.US_ASCII);
        assertThat(line).startsWith("Date: ").endsWith(" GMT\r\n");
        assertThat(a == b || !new String(a, StandardCharsets.US_ASCII).equals(line)).isTrue();
    }

    /** The loop-clock form never serves a line for a second that has passed, whatever nanos it is given. */
    @Test
    void dateFieldLineFromALoopClockTracksTheWallClock() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            long before = System.currentTimeMillis() / 1000;
            String line = new String(HttpDate.dateFieldLine(System.nanoTime()), StandardCharsets.US_ASCII);
            long after = System.currentTimeMillis() / 1000;
            long shown = HttpDate.parse(line.substring("Date: ".length(), line.length() - 2)) / 1000;
            assertThat(shown).isBetween(before, after);
            // A reading from long ago (a stale or foreign clock) must not be answered from the cache.
            String old = new String(HttpDate.dateFieldLine(System.nanoTime() - 5_000_000_000L), StandardCharsets.US_ASCII);
            long shownOld = HttpDate.parse(old.substring("Date: ".length(), old.length() - 2)) / 1000;
            assertThat(shownOld).isBetween(before, System.currentTimeMillis() / 1000);
            Thread.sleep(400);
        }
    }
}
