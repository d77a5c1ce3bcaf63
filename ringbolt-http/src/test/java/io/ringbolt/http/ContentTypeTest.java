package io.ringbolt.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Any legal field value (RFC 9110 §5.5) is a content type and goes back on the wire as the same
 * bytes; nothing else is, and saying so never echoes the offending value.
 */
@Timeout(20)
class ContentTypeTest {
    /** {@code text/plain; title="café"} with é as the single obs-text byte 0xE9. */
    static final String OBS_TEXT_IN_QUOTED_PARAMETER = "text/plain; title=\"caf\u00e9\"";

    @ParameterizedTest
    @ValueSource(strings = {
            "text/plain;\tcharset=utf-8",
            OBS_TEXT_IN_QUOTED_PARAMETER,
            "text/plain; charset=\u00ff\u0080",
            "application/x-thing ; a=b\t;\tc=\"d e\"",
    })
    void legalFieldValuesAreAcceptedAndWrittenAsTheirBytes(String value) {
        ContentType type = ContentType.of(value);
        assertThat(type.value()).isEqualTo(value);
        assertThat(ContentType.isFieldValue(value)).isTrue();
        assertThat(type.fieldLine()).isEqualTo(("Content-Type: " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void obsTextIsOneByteOnTheWireNotUtf8NorAQuestionMark() {
        byte[] line = ContentType.of(OBS_TEXT_IN_QUOTED_PARAMETER).fieldLine();
        assertThat(line).hasSize("Content-Type: ".length() + OBS_TEXT_IN_QUOTED_PARAMETER.length() + 2);
        assertThat(line).contains((byte) 0xE9).doesNotContain((byte) '?');
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "text/plain; charset", "text/", "", " text/plain ", "a/b; c=caf\u00e9"})
    void malformedMediaTypesThatAreLegalFieldValuesAreStillAccepted(String value) {
        assertThat(ContentType.of(value).value()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain\r\nSet-Cookie: x=1", "text/plain\n", "a\u0000b", "a\u001fb", "a\u007fb", "a\u20acb", "a\u0100b"})
    void valuesNoFieldMayHoldAreRejectedWithoutRepeatingThem(String value) {
        assertThat(ContentType.isFieldValue(value)).isFalse();
        assertThatThrownBy(() -> ContentType.of(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not allowed in a field value")
                .hasMessageNotContaining("text/plain")
                .hasMessageNotContaining("Set-Cookie");
    }

    @Test
    void theMessageNamesTheCharAndWhereItIs() {
        assertThatThrownBy(() -> ContentType.of("text/plain\r\n"))
                .hasMessageContaining("U+000D at index 10");
    }

    @Property(tries = 300)
    void everyStringOfFieldValueCharsRoundTripsThroughTheFieldLine(@ForAll("fieldValues") String value) {
        byte[] line = ContentType.of(value).fieldLine();
        assertThat(new String(line, StandardCharsets.ISO_8859_1)).isEqualTo("Content-Type: " + value + "\r\n");
    }

    @Property(tries = 300)
    void aStringWithAnyOtherCharIsRefused(@ForAll("fieldValues") String prefix, @ForAll("illegalChars") char bad,
                                          @ForAll("fieldValues") String suffix) {
        String value = prefix + bad + suffix;
        assertThat(ContentType.isFieldValue(value)).isFalse();
        assertThatThrownBy(() -> ContentType.of(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> fieldValues() {
        return Arbitraries.strings().withChars('\t').withCharRange(' ', '~').withCharRange('\u0080', '\u00ff').ofMaxLength(40);
    }

    @Provide
    Arbitrary<Character> illegalChars() {
        return Arbitraries.chars().range('\u0000', '\u0008').range('\n', '\u001f').with('\u007f').range('\u0100', '\uffff');
    }

    // ---- through a connection ------------------------------------------------------------------

    /** A handler that answers with the request's Content-Type, as the demo's echo does. */
    private static FakeConnection mirroringConnection() {
        Router router = new Router();
        router.post("/echo", (req, res) -> res.contentType(req.header("Content-Type")).send(req.body()));
        return new FakeConnection(new FakeReactor(), HttpServer.create(router, HttpOptions.defaults()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain;\tcharset=utf-8", OBS_TEXT_IN_QUOTED_PARAMETER, "text/plain; charset=utf-8\u00e9"})
    void aRequestsContentTypeGoesBackAsTheSameBytes(String value) {
        FakeConnection c = mirroringConnection().receive(
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: " + value + "\r\nContent-Length: 2\r\n\r\nhi");
        String sent = c.takeSent(); // ISO-8859-1: one char per byte
        assertThat(sent).startsWith("HTTP/1.1 200 ").contains("\r\nContent-Type: " + value + "\r\n").endsWith("\r\n\r\nhi");
    }
}
