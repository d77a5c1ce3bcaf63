package io.ringbolt.http.hpack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers: hex blocks and decoded field lists as "name: value" strings. */
final class Blocks {
    private Blocks() {
    }

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static String latin1(byte[] a, int offset, int length) {
        return new String(a, offset, length, StandardCharsets.ISO_8859_1);
    }

    /** Collects fields as "name: value" (a trailing " [never]" marks never-indexed ones). */
    static final class Collector implements HeaderSink {
        final List<String> fields = new ArrayList<>();

        @Override
        public void onHeader(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset,
                             int valueLength, boolean neverIndexed) {
            fields.add(latin1(name, nameOffset, nameLength) + ": " + latin1(value, valueOffset, valueLength)
                    + (neverIndexed ? " [never]" : ""));
        }
    }

    static List<String> decode(HpackDecoder decoder, String hexBlock) throws HpackException {
        Collector collector = new Collector();
        byte[] block = hex(hexBlock);
        decoder.decode(block, 0, block.length, collector);
        return collector.fields;
    }

    static byte[] encode(HpackEncoder encoder, String... nameValues) {
        HpackBuffer out = new HpackBuffer(64);
        encoder.beginBlock(out);
        for (int i = 0; i < nameValues.length; i += 2) {
            encoder.encode(nameValues[i], nameValues[i + 1], out);
        }
        return out.toByteArray();
    }
}
