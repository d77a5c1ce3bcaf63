package io.ringbolt.http.hpack;

import static io.ringbolt.http.hpack.Blocks.decode;
import static io.ringbolt.http.hpack.Blocks.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Malformed blocks are COMPRESSION_ERRORs; oversized lists are dropped with the table kept in step. */
class HpackDecoderLimitsTest {

    @Test
    void indexZeroAndIndicesPastTheTablesAreErrors() {
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "80")).hasMessageContaining("index 0");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "be")).hasMessageContaining("index 62");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "7f00 0161")).hasMessageContaining("index");
    }

    @Test
    void truncatedIntegersAndStringsAreErrors() {
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "0005 6162")).hasMessageContaining("runs past");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "ff")).hasMessageContaining("integer");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "ff80 8080 80")).hasMessageContaining("integer");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "40")).hasMessageContaining("string");
        // 2^31 as an index: 7-bit prefix 127 + continuation bytes summing past Integer.MAX_VALUE.
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "ff81 ffff ff07")).hasMessageContaining("2^31");
    }

    @Test
    void emptyNamesAreErrors() {
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "0000 0161")).hasMessageContaining("empty");
    }

    @Test
    void sizeUpdatesMustLeadTheBlockAndStayWithinTheSetting() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 1 << 16);
        decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(decoder.tableSizeBytes()).isEqualTo(55);
        assertThat(decode(decoder, "20 82")).containsExactly(":method: GET");
        assertThat(decoder.tableEntryCount()).isZero();
        assertThat(decode(decoder, "3fe11f 82")).containsExactly(":method: GET");
        assertThatThrownBy(() -> decode(decoder, "3fe21f")).hasMessageContaining("exceeds the advertised 4096");
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "82 20")).hasMessageContaining("after a header field");
    }

    @Test
    void aShrunkSettingRequiresAnUpdateFirst() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 1 << 16);
        decoder.setTableSizeBytes(100);
        assertThatThrownBy(() -> decode(decoder, "82")).hasMessageContaining("missing dynamic table size update");
        HpackDecoder second = new HpackDecoder(4096, 1 << 16);
        second.setTableSizeBytes(100);
        assertThat(decode(second, "3f45 82")).containsExactly(":method: GET");
    }

    @Test
    void huffmanPaddingAndEosAreChecked() {
        // "a" is 00011: padded with 111 is valid (0x1f); padded with zeros is not.
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "0001 61 81 18")).hasMessageContaining("padding");
        // A whole byte of padding (8 ones) is more than 7 bits.
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "0001 61 82 1fff")).hasMessageContaining("padding");
        // EOS itself: 30 ones.
        assertThatThrownBy(() -> decode(new HpackDecoder(4096, 1 << 16), "0001 61 84 ffff ffff")).hasMessageContaining("EOS");
    }

    @Test
    void theHeaderListLimitDropsFieldsButKeepsTheTableInStep() throws HpackException {
        // :method GET (42) + :path / (38) = 80: fits a limit of 80; :scheme http (43) does not.
        HpackDecoder decoder = new HpackDecoder(4096, 80);
        Blocks.Collector fields = new Blocks.Collector();
        byte[] ok = hex("8284");
        assertThat(decoder.decode(ok, 0, ok.length, fields)).isTrue();
        byte[] tooMany = hex("828486 400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        Blocks.Collector dropped = new Blocks.Collector();
        assertThat(decoder.decode(tooMany, 0, tooMany.length, dropped)).isFalse();
        assertThat(dropped.fields).containsExactly(":method: GET", ":path: /");
        // The literal with indexing past the limit still entered the table: the next block can use it.
        assertThat(decoder.tableSizeBytes()).isEqualTo(55);
        assertThat(decode(decoder, "be")).containsExactly("custom-key: custom-header");
    }

    @Test
    void anHpackBombIsCutAtTheListLimit() throws HpackException {
        // One 4,000-byte entry, then the same index 10,000 times: 40 MB if it were all decoded.
        HpackDecoder decoder = new HpackDecoder(4096, 16 * 1024);
        HpackBuffer block = new HpackBuffer(16);
        HpackEncoder.writeInteger(block, 0x40, 6, 0);
        HpackEncoder.writeInteger(block, 0, 7, 1);
        block.writeByte('x');
        HpackEncoder.writeInteger(block, 0, 7, 4000);
        block.reserve(4000);
        for (int i = 0; i < 10_000; i++) {
            block.writeByte(0xbe);
        }
        Blocks.Collector fields = new Blocks.Collector();
        assertThat(decoder.decode(block.array(), 0, block.length(), fields)).isFalse();
        assertThat(fields.fields).hasSize(4);
    }

    @Test
    void aStringLongerThanEveryLimitIsSkippedAndEmptiesTheTableWhenIndexed() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(256, 256);
        decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(decoder.tableEntryCount()).isEqualTo(1);
        HpackBuffer block = new HpackBuffer(16);
        HpackEncoder.writeInteger(block, 0x40, 6, 0);
        HpackEncoder.writeInteger(block, 0, 7, 1);
        block.writeByte('y');
        HpackEncoder.writeInteger(block, 0, 7, 1000);
        block.reserve(1000);
        block.writeByte(0x82);
        Blocks.Collector fields = new Blocks.Collector();
        assertThat(decoder.decode(block.array(), 0, block.length(), fields)).isFalse();
        assertThat(decoder.tableEntryCount()).isZero();
        assertThat(fields.fields).isEqualTo(List.of());
    }
}
