package io.ringbolt.http.codec;

import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RequestParserTest {

    static RequestParser parser() {
        return new RequestParser(8192, 16384, 100);
    }

    /** Parses from an exact-length array, so any read past the end throws. */
    static int parse(RequestParser p, String raw) {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return p.parse(MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void parsesASimpleGet() {
        RequestParser p = parser();
        String raw = "GET /hello/world?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
        assertThat(parse(p, raw)).isEqualTo(raw.length());
        RequestHead h = p.head();
        assertThat(h.method()).isEqualTo(HttpMethod.GET);
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h.latin1(h.pathStart(), h.pathEnd())).isEqualTo("/hello/world");
        assertThat(h.latin1(h.queryStart(), h.targetEnd())).isEqualTo("x=1&y=2");
        assertThat(h.fieldCount()).isEqualTo(2);
        assertThat(h.latin1(h.nameStart(1), h.nameEnd(1))).isEqualTo("Accept");
        assertThat(h.latin1(h.valueStart(1), h.valueEnd(1))).isEqualTo("*/*");
        assertThat(h.isKeepAlive()).isTrue();
        assertThat(h.contentLength()).isEqualTo(-1);
        assertThat(h.isChunked()).isFalse();
    }

    @Test
    void trimsOptionalWhitespaceAroundValues() {
        RequestParser p = parser();
        String raw = "GET / HTTP/1.1\r\nHost:  a \t\r\nX-Empty:\r\nX-Inner: a  b\r\n\r\n";
        assertThat(parse(p, raw)).isEqualTo(raw.length());
        RequestHead h = p.head();
        assertThat(h.latin1(h.valueStart(0), h.valueEnd(0))).isEqualTo("a");
        assertThat(h.valueStart(1)).isEqualTo(h.valueEnd(1));
        assertThat(h.latin1(h.valueStart(2), h.valueEnd(2))).isEqualTo("a  b");
    }

    @Test
    void resumesAcrossCallsWithTheSameBytesPlusMore() {
        RequestParser p = parser();
        String raw = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
        for (int i = 1; i < raw.length(); i++) {
            assertThat(parse(p, raw.substring(0, i))).as("prefix %d", i).isEqualTo(RequestParser.NEED_MORE);
        }
        assertThat(parse(p, raw + "hello")).isEqualTo(raw.length());
        assertThat(p.head().contentLength()).isEqualTo(5);
    }

    @Test
    void skipsLeadingEmptyLines() {
        RequestParser p = parser();
        String raw = "\r\n\r\nGET /url HTTP/1.1\r\nHost: h\r\n\r\n";
        assertThat(parse(p, raw)).isEqualTo(raw.length());
        RequestHead h = p.head();
        assertThat(h.latin1(h.methodStart(), h.methodEnd())).isEqualTo("GET");
    }

    @Test
    void http10DefaultsToCloseAndHonoursKeepAlive() {
        RequestParser p = parser();
        parse(p, "GET / HTTP/1.0\r\n\r\n");
        assertThat(p.head().version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(p.head().isKeepAlive()).isFalse();
        p.reset();
        parse(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assertThat(p.head().isKeepAlive()).isTrue();
    }

    @Test
    void connectionCloseWinsAmongTokens() {
        RequestParser p = parser();
        parse(p, "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: close, token, upgrade, token, keep-alive\r\n\r\n");
        assertThat(p.head().isKeepAlive()).isFalse();
    }

    @Test
    void higherMinorVersionIsAnsweredAs11() {
        RequestParser p = parser();
        assertThat(parse(p, "GET / HTTP/1.7\r\nHost: h\r\n\r\n")).isPositive();
        assertThat(p.head().version()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void absoluteFormSplitsOffTheAuthority() {
        RequestParser p = parser();
        parse(p, "GET http://hypnotoad.org:1234?hail=all HTTP/1.1\r\nHost: h\r\n\r\n");
        RequestHead h = p.head();
        assertThat(h.targetForm()).isEqualTo(RequestHead.TargetForm.ABSOLUTE);
        assertThat(h.pathStart()).isEqualTo(h.pathEnd());
        assertThat(h.latin1(h.queryStart(), h.targetEnd())).isEqualTo("hail=all");
        p.reset();
        parse(p, "GET HTTP://example.com/a/b HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(p.head().latin1(p.head().pathStart(), p.head().pathEnd())).isEqualTo("/a/b");
    }

    @Test
    void chunkedAndContentLengthFraming() {
        RequestParser p = parser();
        parse(p, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(p.head().isChunked()).isTrue();
        p.reset();
        parse(p, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 003\r\n\r\n");
        assertThat(p.head().contentLength()).isEqualTo(3);
        p.reset();
        parse(p, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n");
        assertThat(p.head().contentLength()).isEqualTo(5);
        p.reset();
        parse(p, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\t42\t  \r\n\r\n");
        assertThat(p.head().contentLength()).isEqualTo(42);
    }

    @Test
    void expectContinueIsRecognised() {
        RequestParser p = parser();
        parse(p, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
        assertThat(p.head().expectsContinue()).isTrue();
    }

    @Test
    void extendedCharactersInValuesAreAccepted() {
        RequestParser p = parser();
        assertThat(parse(p, "GET / HTTP/1.1\r\nHost: h\r\nTest: D\u00c3\u00bcsseldorf\r\n\r\n")).isPositive();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // malformed syntax and smuggling shapes
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 1\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1000000000000000000000\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 4 2\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length:\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: -1\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1, 2\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nFoo: bar\\r\\n baz\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\n Host: foo' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nFoo: 1\\rBar: 2\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nFoo: 1\\nBar: 2\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\rLine: 1\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nFo@: x\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\n: x\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u0000b\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u000cb\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\n\\r\\n' | 400",
            "'GET / HTTP/1.1\\r\\nHost: h\\r\\n\\rZ' | 400",
            "'GET /foo bar/ HTTP/1.1\\r\\n' | 400",
            "'GET /a#frag HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET /a|b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET /%zz HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET /%4 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET http://u:p@host/ HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET ftp://host/ HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET * HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'CONNECT /x HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n' | 400",
            "'GET  / HTTP/1.1\\r\\n' | 400",
            "'GET / ICE/1.0\\r\\n' | 400",
            "'GET / HTTP/1.1 \\r\\n' | 400",
            "'GET / http/1.1\\r\\n' | 400",
            "'GET / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n' | 400",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked, deflate\\r\\n\\r\\n' | 400",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n' | 400",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding:\\r\\n\\r\\n' | 400",
            // unsupported things with their own status
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: pigeons\\r\\n\\r\\n' | 501",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: identity\\r\\n\\r\\n' | 501",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n' | 501",
            "'GET / HTTP/2.0\\r\\n' | 505",
            "'GET / HTTP/5.6' | 505",
            "'GET / HTTP/0.9\\r\\n' | 505",
            "'POST / HTTP/1.1\\r\\nHost: h\\r\\nExpect: 200-ok\\r\\n\\r\\n' | 417",
    })
    void rejects(String escaped, int status) {
        RequestParser p = parser();
        assertThat(parse(p, unescape(escaped))).isEqualTo(RequestParser.ERROR);
        assertThat(p.errorStatus()).as(p.errorReason()).isEqualTo(status);
    }

    @Test
    void overLongTargetIs414AndLargeHeadIs431() {
        RequestParser p = new RequestParser(64, 512, 4);
        assertThat(parse(p, "GET /" + "a".repeat(64) + " HTTP/1.1\r\n")).isEqualTo(RequestParser.ERROR);
        assertThat(p.errorStatus()).isEqualTo(414);
        p.reset();
        assertThat(parse(p, "GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(600))).isEqualTo(RequestParser.ERROR);
        assertThat(p.errorStatus()).isEqualTo(431);
        p.reset();
        assertThat(parse(p, "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n")).isEqualTo(RequestParser.ERROR);
        assertThat(p.errorStatus()).isEqualTo(431);
    }

    @Test
    void methodIsAnyTokenAndCaseSensitive() {
        RequestParser p = parser();
        parse(p, "QUERY /contacts HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(p.head().method()).isEqualTo(HttpMethod.OTHER);
        p.reset();
        parse(p, "get / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(p.head().method()).isEqualTo(HttpMethod.OTHER);
    }

    @Test
    void connectAndOptionsAsteriskParse() {
        RequestParser p = parser();
        assertThat(parse(p, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")).isPositive();
        assertThat(p.head().targetForm()).isEqualTo(RequestHead.TargetForm.AUTHORITY);
        p.reset();
        assertThat(parse(p, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")).isPositive();
        assertThat(p.head().targetForm()).isEqualTo(RequestHead.TargetForm.ASTERISK);
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000").replace("\\u000c", "\u000c");
    }
}
