package io.ringbolt.http.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptEncodingTest {

    static int choose(String acceptEncoding, boolean br, boolean gzip) {
        String raw = "GET / HTTP/1.1\r\nHost: h\r\n" + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "\r\n";
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        RequestParser p = new RequestParser(1024, 4096, 16);
        assertThat(p.parse(MemorySegment.ofArray(b), 0, b.length)).isPositive();
        return AcceptEncoding.choose(p.head(), br, gzip);
    }

    @ParameterizedTest(name = "''{0}'' br={1} gzip={2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "NONE | true | true | 0",
            "'' | true | true | 0",
            "gzip | true | true | 1",
            "gzip, br | true | true | 2",
            "gzip, br | false | true | 1",
            "br;q=0.5, gzip;q=0.8 | true | true | 1",
            "br;q=0.8, gzip;q=0.8 | true | true | 2",
            "br;q=0, gzip;q=0 | true | true | 0",
            "* | true | true | 2",
            "*;q=0.1, gzip;q=0 | true | true | 2",
            "*;q=0 | true | true | 0",
            "identity | true | true | 0",
            "gzip;q=0.5, identity | true | true | 0",
            "gzip;q=1.0, identity;q=0.5 | true | true | 1",
            "x-gzip | false | true | 1",
            "GZIP ; Q=0.9 | false | true | 1",
            "deflate | true | true | 0",
            "gzip;level=9 | false | true | 1",
    })
    void choosesByQValues(String header, boolean br, boolean gzip, int expected) {
        assertThat(choose(header, br, gzip)).isEqualTo(expected);
    }
}
