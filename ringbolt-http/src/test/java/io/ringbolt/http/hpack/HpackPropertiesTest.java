package io.ringbolt.http.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** decode ∘ encode = id over many blocks, with table sizes changing between blocks. */
class HpackPropertiesTest {
    private static final String[] COMMON_NAMES = {":method", ":path", ":status", "content-type", "date",
            "cache-control", "cookie", "authorization", "x-request-id", "user-agent", "accept-encoding", ":authority"};

    @Provide
    Arbitrary<List<List<Tuple.Tuple2<String, String>>>> blocks() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(COMMON_NAMES),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz-0123456789").ofMinLength(1).ofMaxLength(24));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("GET", "/", "200", "gzip, deflate", "", "text/plain"),
                Arbitraries.strings().withCharRange((char) 0x20, (char) 0xFF).ofMaxLength(300),
                Arbitraries.strings().ascii().ofMaxLength(40));
        Arbitrary<Tuple.Tuple2<String, String>> fields = Combinators.combine(names, values).as(Tuple::of);
        return fields.list().ofMaxSize(30).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void everyBlockDecodesToWhatWasEncoded(@ForAll("blocks") List<List<Tuple.Tuple2<String, String>>> blocks,
                                           @ForAll @IntRange(min = 0, max = 8192) int peerTableSize,
                                           @ForAll @IntRange(min = 0, max = 11) int changeAt) {
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
        int blockNumber = 0;
        for (List<Tuple.Tuple2<String, String>> fields : blocks) {
            if (blockNumber++ == changeAt) {
                int size = Math.min(peerTableSize, 4096);
                decoder.setTableSizeBytes(size);
                encoder.setPeerTableSizeBytes(size);
            }
            HpackBuffer out = new HpackBuffer(32);
            encoder.beginBlock(out);
            List<String> expected = new ArrayList<>();
            for (Tuple.Tuple2<String, String> field : fields) {
                encoder.encode(field.get1(), field.get2(), out);
                expected.add(field.get1() + ": " + field.get2());
            }
            Blocks.Collector collector = new Blocks.Collector();
            try {
                assertThat(decoder.decode(out.array(), 0, out.length(), collector)).isTrue();
            } catch (HpackException e) {
                throw new AssertionError(e);
            }
            assertThat(collector.fields).map(s -> s.replace(" [never]", "")).isEqualTo(expected);
            assertThat(decoder.tableSizeBytes()).isEqualTo(encoder.tableSizeBytes());
        }
    }

    @Property(tries = 500)
    void huffmanRoundTripsAnyBytes(@ForAll("latin1") String s) throws HpackException {
        HpackBuffer out = new HpackBuffer(8);
        Huffman.encode(s, out);
        assertThat(out.length()).isEqualTo(Huffman.encodedLength(s));
        byte[] target = new byte[s.length()];
        int n = Huffman.decode(out.array(), 0, out.length(), target, s.length());
        assertThat(Blocks.latin1(target, 0, n)).isEqualTo(s);
    }

    @Property(tries = 500)
    void theDecoderNeverThrowsAnythingButHpackException(@ForAll byte[] garbage) {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        try {
            decoder.decode(garbage, 0, garbage.length, (n, no, nl, v, vo, vl, never) -> { });
        } catch (HpackException expected) {
            // a COMPRESSION_ERROR is a fine answer to garbage
        }
        assertThat(decoder.tableSizeBytes()).isBetween(0, 4096);
    }

    @Provide
    Arbitrary<String> latin1() {
        return Arbitraries.strings().withCharRange((char) 0, (char) 0xFF).ofMaxLength(200);
    }

    @Property(tries = 50)
    void integersRoundTrip(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int value,
                           @ForAll @IntRange(min = 1, max = 8) int prefixBits) {
        HpackBuffer out = new HpackBuffer(8);
        HpackEncoder.writeInteger(out, 0, prefixBits, value);
        // Decode through a literal-without-indexing name index when it fits the decoder's check.
        long decoded = out.array()[0] & ((1 << prefixBits) - 1);
        if (decoded == (1 << prefixBits) - 1) {
            int shift = 0;
            for (int i = 1; i < out.length(); i++) {
                decoded += (long) (out.array()[i] & 0x7F) << shift;
                shift += 7;
            }
        }
        assertThat(decoded).isEqualTo(value);
    }
}
