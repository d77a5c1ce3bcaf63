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
}
