package io.ringbolt.http.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkedDecoderTest {

    static final class Collector implements BodyConsumer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        @Override
        public void onBodyBytes(MemorySegment segment, long offset, int length) {
            out.writeBytes(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
        }

        String text() {
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static int decode(ChunkedDecoder d, String s, Collector c) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return d.decode(MemorySegment.ofArray(b), 0, b.length, c);
    }

    @Test
    void decodesChunksExtensionsAndTrailers() {
        ChunkedDecoder d = new ChunkedDecoder(1024, 8);
        Collector c = new Collector();
        String body = "5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"x\";blah;foo=bar\r\nhello\r\n"
                + "6 ; blah\r\n world\r\n000\r\nVary: *\r\nContent-Type: text/plain\r\n\r\nNEXT";
        int consumed = decode(d, body, c);
        assertThat(d.isDone()).isTrue();
        assertThat(consumed).isEqualTo(body.length() - 4);
        assertThat(c.text()).isEqualTo("hello world");
        assertThat(new String(d.trailerBytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("Vary: *\r\nContent-Type: text/plain\r\n");
    }

    @Test
    void decodesOneByteAtATime() {
        ChunkedDecoder d = new ChunkedDecoder(1024, 8);
        Collector c = new Collector();
        String body = "a\r\n0123456789\r\n1E\r\nall your base are belong to us\r\n0\r\n\r\n";
        for (int i = 0; i < body.length(); i++) {
            assertThat(decode(d, body.substring(i, i + 1), c)).isEqualTo(1);
        }
        assertThat(d.isDone()).isTrue();
        assertThat(c.text()).isEqualTo("0123456789all your base are belong to us");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n",
            "2;\r\naa\r\n0\r\n\r\n",
            "5;a=\"abc\";b=\"def; ghi\r\nhello\r\n",
            "3\r\nfoo\r\n\r\n",
            "3 \n  \r\nfoo\r\n\r\n",
            "5\r\r;ABCD\r\n",
            "5\r\nABCDE0\r\n",
            "a \r\n0123456789\r\n0\r\n\r\n",
            "\r\n",
            "g\r\n",
            "ffffffffffffffffff\r\n",
            "0\r\n bad: fold\r\n\r\n",
            "0\r\nX: 1\n\r\n",
    })
    void rejectsMalformedFraming(String body) {
        ChunkedDecoder d = new ChunkedDecoder(1024, 8);
        decode(d, body, new Collector());
        assertThat(d.isError()).as(body).isTrue();
        assertThat(d.errorStatus()).isEqualTo(400);
    }

    @Test
    void enforcesTheBodyLimit() {
        ChunkedDecoder d = new ChunkedDecoder(1024, 8);
        d.reset(10);
        decode(d, "5\r\nhello\r\n6\r\n", new Collector());
        assertThat(d.isError()).isTrue();
        assertThat(d.errorStatus()).isEqualTo(413);
    }
}
