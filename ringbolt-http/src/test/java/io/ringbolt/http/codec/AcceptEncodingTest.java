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

    static int chooseAmong(String acceptEncoding, String... offered) {
        String raw = "GET / HTTP/1.1\r\nHost: h\r\n" + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "\r\n";
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        RequestParser p = new RequestParser(1024, 4096, 16);
        assertThat(p.parse(MemorySegment.ofArray(b), 0, b.length)).isPositive();
        return AcceptEncoding.choose(p.head(), offered);
    }

    /** The server's order for dynamic bodies: registered codings first, built-in gzip last. */
    @ParameterizedTest(name = "''{0}'' among br,gzip -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "NONE | NONE",                              // not asked: never compress
            "'' | NONE",
            "gzip | gzip",
            "br | br",
            "gzip, br | br",                            // equal q: br preferred
            "br, gzip | br",
            "GZIP, BR | br",
            "br;q=0, gzip | gzip",
            "gzip;q=1, br;q=0 | gzip",
            "br;q=0 | NONE",
            "br;q=0.5, gzip;q=0.8 | gzip",
            "br;q=0.9, gzip;q=0.8 | br",
            "br;q=0.8, gzip;q=0.8 | br",
            "gzip;q=0.001, br;q=0 | gzip",
            "* | br",
            "*;q=0.5, gzip;q=0.9 | gzip",
            "*;q=0.5, br;q=0 | gzip",
            "*;q=0 | NONE",
            "*, br;q=0, gzip;q=0 | NONE",
            "identity | NONE",
            "br;q=0.5, identity | NONE",               // identity heavier: send as is
            "br;q=0.5, identity;q=0.5 | br",          // equal: the coding wins
            "x-gzip | gzip",
            "deflate, zstd | NONE",
            "br;q=1.0 | br",
    })
    void choosesAmongOfferedCodings(String header, String expected) {
        String[] offered = {"br", "gzip"};
        int i = chooseAmong(header, offered);
        assertThat(i < 0 ? null : offered[i]).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' among gzip only -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "br | NONE",
            "br, gzip;q=0.1 | gzip",
            "* | gzip",
    })
    void onlyOfferedCodingsAreChosen(String header, String expected) {
        int i = chooseAmong(header, "gzip");
        assertThat(i < 0 ? null : "gzip").isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void nothingOfferedMeansIdentity() {
        assertThat(chooseAmong("br, gzip")).isEqualTo(-1);
    }
}
