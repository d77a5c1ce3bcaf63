package io.ringbolt.http.websocket;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8ValidatorTest {

    private static boolean jdkValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Mostly-valid UTF-8 with a few random bytes changed, so both outcomes are common. */
    private static byte[] sample(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            int cp;
            do {
                cp = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(0x80);
                    case 1 -> 0x80 + r.nextInt(0x780);
                    case 2 -> 0x800 + r.nextInt(0xF800);
                    default -> 0x10000 + r.nextInt(0x100000);
                };
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            sb.appendCodePoint(cp);
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length > 0 && r.nextBoolean()) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void agreesWithTheJdkDecoderWhateverTheSplit() {
        Random r = new Random(3629);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = sample(r);
            boolean expected = jdkValid(b);
            valid += expected ? 1 : 0;
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(expected);
            int split = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            Utf8Validator v = new Utf8Validator();
            boolean ok = v.update(b, 0, split) & v.update(b, split, b.length - split);
            assertThat(ok && v.isComplete()).isEqualTo(expected);
        }
        assertThat(valid).isBetween(5_000, 15_000);
    }

    @Test
    void rejectsSurrogatesOverlongsAndOutOfRangeAtTheFirstBadByte() {
        for (String hex : new String[] {"eda080", "edbfbf", "c0af", "e080af", "f08080af", "f4908080", "f8", "fe", "ff", "80"}) {
            byte[] b = java.util.HexFormat.of().parseHex(hex);
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as(hex).isFalse();
        }
        Utf8Validator v = new Utf8Validator();
        assertThat(v.update(new byte[] {(byte) 0xF4}, 0, 1)).isTrue();
        assertThat(v.pendingBytes()).isEqualTo(1);
        assertThat(v.update(new byte[] {(byte) 0x90}, 0, 1)).as("F4 90 is above U+10FFFF already").isFalse();
        assertThat(v.isRejected()).isTrue();
    }

    @Test
    void pendingBytesCountTheUnfinishedCodePoint() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        Utf8Validator v = new Utf8Validator();
        v.update(euro, 0, 2);
        assertThat(v.pendingBytes()).isEqualTo(2);
        assertThat(v.isComplete()).isFalse();
        v.update(euro, 2, 1);
        assertThat(v.pendingBytes()).isZero();
        assertThat(v.isComplete()).isTrue();
    }
}
