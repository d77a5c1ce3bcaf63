package io.ringbolt.http.hpack;

import static io.ringbolt.http.hpack.Blocks.decode;
import static io.ringbolt.http.hpack.Blocks.encode;
import static io.ringbolt.http.hpack.Blocks.hex;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 7541 Appendix C, every example, decoded and (where our choices match the RFC's) encoded. */
class HpackRfcExamplesTest {
    private static final int LARGE = 1 << 20;

    @Test
    void c1IntegerRepresentation() {
        HpackBuffer out = new HpackBuffer(8);
        HpackEncoder.writeInteger(out, 0, 5, 10);
        HpackEncoder.writeInteger(out, 0, 5, 1337);
        HpackEncoder.writeInteger(out, 0, 8, 42);
        assertThat(hex(out.toByteArray())).isEqualTo("0a1f9a0a2a");
    }

    @Test
    void c2LiteralAndIndexedFields() throws HpackException {
        HpackDecoder withIndexing = new HpackDecoder(4096, LARGE);
        assertThat(decode(withIndexing, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"))
                .containsExactly("custom-key: custom-header");
        assertThat(withIndexing.tableSizeBytes()).isEqualTo(55);

        HpackDecoder withoutIndexing = new HpackDecoder(4096, LARGE);
        assertThat(decode(withoutIndexing, "040c 2f73 616d 706c 652f 7061 7468")).containsExactly(":path: /sample/path");
        assertThat(withoutIndexing.tableEntryCount()).isZero();

        HpackDecoder neverIndexed = new HpackDecoder(4096, LARGE);
        assertThat(decode(neverIndexed, "1008 7061 7373 776f 7264 0673 6563 7265 74")).containsExactly("password: secret [never]");
        assertThat(neverIndexed.tableEntryCount()).isZero();

        assertThat(decode(new HpackDecoder(4096, LARGE), "82")).containsExactly(":method: GET");
    }

    @Test
    void c3RequestsWithoutHuffman() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, LARGE);
        assertThat(decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))
                .containsExactly(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com");
        assertThat(decoder.tableSizeBytes()).isEqualTo(57);
        assertThat(decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865"))
                .containsExactly(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
                        "cache-control: no-cache");
        assertThat(decoder.tableSizeBytes()).isEqualTo(110);
        assertThat(decode(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"))
                .containsExactly(":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                        "custom-key: custom-value");
        assertThat(decoder.tableSizeBytes()).isEqualTo(164);
    }

    private static final String[] C4_BLOCKS = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"};

    @Test
    void c4RequestsWithHuffmanDecode() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, LARGE);
        assertThat(decode(decoder, C4_BLOCKS[0]))
                .containsExactly(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com");
        assertThat(decode(decoder, C4_BLOCKS[1])).endsWith("cache-control: no-cache");
        assertThat(decode(decoder, C4_BLOCKS[2]))
                .containsExactly(":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                        "custom-key: custom-value");
        assertThat(decoder.tableSizeBytes()).isEqualTo(164);
    }

    @Test
    void c4RequestsWithHuffmanEncode() {
        HpackEncoder encoder = new HpackEncoder();
        assertThat(hex(encode(encoder, ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com")))
                .isEqualTo(C4_BLOCKS[0].replace(" ", ""));
        assertThat(hex(encode(encoder, ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                "cache-control", "no-cache"))).isEqualTo(C4_BLOCKS[1].replace(" ", ""));
        assertThat(hex(encode(encoder, ":method", "GET", ":scheme", "https", ":path", "/index.html",
                ":authority", "www.example.com", "custom-key", "custom-value"))).isEqualTo(C4_BLOCKS[2].replace(" ", ""));
        assertThat(encoder.tableSizeBytes()).isEqualTo(164);
    }

    private static final String[] C5_BLOCKS = {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"};
    private static final String[] C6_BLOCKS = {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"};
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    @Test
    void c5AndC6ResponsesWithEvictionDecode() throws HpackException {
        for (String[] blocks : new String[][] {C5_BLOCKS, C6_BLOCKS}) {
            HpackDecoder decoder = new HpackDecoder(256, LARGE);
            assertThat(decode(decoder, blocks[0])).containsExactly(":status: 302", "cache-control: private",
                    "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
            assertThat(decoder.tableSizeBytes()).isEqualTo(222);
            assertThat(decode(decoder, blocks[1])).containsExactly(":status: 307", "cache-control: private",
                    "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
            assertThat(decoder.tableSizeBytes()).isEqualTo(222);
            assertThat(decode(decoder, blocks[2])).containsExactly(":status: 200", "cache-control: private",
                    "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com",
                    "content-encoding: gzip", "set-cookie: " + COOKIE);
            assertThat(decoder.tableSizeBytes()).isEqualTo(215);
            assertThat(decoder.tableEntryCount()).isEqualTo(3);
        }
    }

    @Test
    void c6ResponsesWithEvictionEncode() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(256);
        String[] first = {":status", "302", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                "location", "https://www.example.com"};
        // A 256-byte table is smaller than the peer's initial 4096, so the first block announces it.
        assertThat(hex(encode(encoder, first))).isEqualTo("3fe101" + C6_BLOCKS[0].replace(" ", ""));
        first[1] = "307";
        assertThat(hex(encode(encoder, first))).isEqualTo(C6_BLOCKS[1].replace(" ", ""));
        assertThat(hex(encode(encoder, ":status", "200", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:22 GMT",
                "location", "https://www.example.com", "content-encoding", "gzip", "set-cookie", COOKIE)))
                .isEqualTo(C6_BLOCKS[2].replace(" ", ""));
        assertThat(encoder.tableSizeBytes()).isEqualTo(215);

        HpackDecoder decoder = new HpackDecoder(4096, LARGE);
        assertThat(decode(decoder, "3fe101" + C6_BLOCKS[0])).hasSize(4);
        assertThat(decoder.tableSizeBytes()).isEqualTo(222);
    }
}
