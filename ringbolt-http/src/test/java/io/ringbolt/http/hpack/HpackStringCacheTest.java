package io.ringbolt.http.hpack;

import static io.ringbolt.http.hpack.Blocks.encode;
import static io.ringbolt.http.hpack.Blocks.hex;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The encoder's shared cache of coded string literals: a literal written a second time (by any
 * connection's encoder) is the same octets as the first, and strings that share a cache slot
 * never stand in for each other.
 */
class HpackStringCacheTest {
    private static final int LARGE = 1 << 20;

    @Test
    void aRepeatedLiteralIsTheSameOctetsAndDecodes() throws HpackException {
        String etag = "\"5a1f-18c3b2e4a10\"";
        byte[] first = encode(new HpackEncoder(), "etag", etag, "content-length", "22528");
        byte[] again = encode(new HpackEncoder(), "etag", etag, "content-length", "22528");
        assertThat(hex(again)).isEqualTo(hex(first));
        Blocks.Collector fields = new Blocks.Collector();
        new HpackDecoder(4096, LARGE).decode(again, 0, again.length, fields);
        assertThat(fields.fields).containsExactly("etag: " + etag, "content-length: 22528");
    }

    @Test
    void stringsThatShareASlotKeepTheirOwnCoding() throws HpackException {
        // "Aa" and "BB" have the same String.hashCode, so the same slot of the direct-mapped cache.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        HpackEncoder encoder = new HpackEncoder();
        for (int round = 0; round < 3; round++) {
            for (String value : new String[] {"Aa", "BB", "x-Aa", "Aa"}) {
                byte[] block = encode(encoder, "etag", value);
                Blocks.Collector fields = new Blocks.Collector();
                new HpackDecoder(4096, LARGE).decode(block, 0, block.length, fields);
                assertThat(fields.fields).containsExactly("etag: " + value);
            }
        }
    }

    @Test
    void aLongLiteralIsCodedEveryTimeAndStillDecodes() throws HpackException {
        String longValue = "w/" + "0123456789abcdef".repeat(12); // longer than the cache keeps
        byte[] block = encode(new HpackEncoder(), "etag", longValue);
        Blocks.Collector fields = new Blocks.Collector();
        new HpackDecoder(4096, LARGE).decode(block, 0, block.length, fields);
        assertThat(fields.fields).containsExactly("etag: " + longValue);
    }
}
