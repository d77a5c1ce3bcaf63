package io.ringbolt.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseStringsTest {

    @Test
    void decimalsAreCachedInRangeAndRightEverywhere() {
        for (long n : new long[] {0, 1, 9, 200, 404, 1023, 1024, 22528, Long.MAX_VALUE, -1}) {
            assertEquals(Long.toString(n), ResponseStrings.decimal(n));
        }
        assertSame(ResponseStrings.decimal(200), ResponseStrings.decimal(200));
    }

    @Test
    void dateValueFollowsTheLineArray() {
        byte[] one = "Date: Sat, 05 Dec 2026 12:00:00 GMT\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] two = "Date: Sat, 05 Dec 2026 12:00:01 GMT\r\n".getBytes(StandardCharsets.US_ASCII);
        String a = ResponseStrings.date(one);
        assertEquals("Sat, 05 Dec 2026 12:00:00 GMT", a);
        assertSame(a, ResponseStrings.date(one));
        assertEquals("Sat, 05 Dec 2026 12:00:01 GMT", ResponseStrings.date(two));
    }
}
