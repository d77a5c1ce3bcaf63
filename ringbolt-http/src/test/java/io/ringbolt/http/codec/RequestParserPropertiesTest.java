package io.ringbolt.http.codec;

import io.ringbolt.http.HttpMethod;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the codec, each input presented from exact-length arrays so any overread throws. */
class RequestParserPropertiesTest {

    /** A request as structured data; {@link #render()} writes it on the wire. */
    record Spec(String method, String target, List<String[]> fields, byte[] body) {
        byte[] render() {
            StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: example\r\n");
            for (String[] f : fields) {
                sb.append(f[0]).append(':').append(f[1]).append("\r\n");
            }
            if (body.length > 0) {
                sb.append("Content-Length: ").append(body.length).append("\r\n");
            }
            sb.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }

        int headLength() {
            return render().length - body.length;
        }
    }

    @Provide
    Arbitrary<Spec> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY", "M-SEARCH");
        Arbitrary<String> segment = Arbitraries.strings().withChars("abcXYZ019-._~%!$&'()*+,;=:@").ofMinLength(0).ofMaxLength(8)
                .map(s -> s.replace("%", "%25"));
        Arbitrary<String> path = segment.list().ofMaxSize(5).map(l -> "/" + String.join("/", l));
        Arbitrary<String> query = Arbitraries.strings().withChars("abc=&+%2F019/?").ofMaxLength(12)
                .map(s -> s.replace("%", "%25"));
        Arbitrary<String> target = Combinators.combine(path, query.injectNull(0.5))
                .as((p, q) -> q == null ? p : p + "?" + q);
        Arbitrary<String> name = Arbitraries.strings().withChars("abcdefXYZ-_!#$%&'*+.^`|~019").ofMinLength(1).ofMaxLength(12)
                .filter(n -> !n.equalsIgnoreCase("host") && !n.equalsIgnoreCase("content-length")
                        && !n.equalsIgnoreCase("transfer-encoding") && !n.equalsIgnoreCase("expect"));
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9', '\u00ff').ofMaxLength(20);
        Arbitrary<String[]> field = Combinators.combine(name, value).as((n, v) -> new String[] {n, v});
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Combinators.combine(method, target, field.list().ofMaxSize(8), body).as(Spec::new);
    }

    static int parse(RequestParser p, byte[] bytes, int length) {
        byte[] exact = Arrays.copyOf(bytes, length);
        return p.parse(MemorySegment.ofArray(exact), 0, exact.length);
    }

    @Property(tries = 500)
    void neverThrowsOnArbitraryBytes(@ForAll @Size(max = 600) byte[] input, @ForAll @IntRange(min = 1, max = 64) int step) {
        RequestParser p = new RequestParser(256, 512, 16);
        int r = RequestParser.NEED_MORE;
        for (int n = Math.min(step, input.length); r == RequestParser.NEED_MORE; n = Math.min(n + step, input.length)) {
            r = parse(p, input, n);
            if (n == input.length) {
                break;
            }
        }
        assertThat(r).isGreaterThanOrEqualTo(RequestParser.ERROR);
        ChunkedDecoder d = new ChunkedDecoder(256, 8);
        int consumed = d.decode(MemorySegment.ofArray(input), 0, input.length, (s, o, l) -> { });
        assertThat(consumed).isBetween(0, input.length);
    }

    @Property(tries = 300)
    void neverThrowsOnMutatedValidRequests(@ForAll("requests") Spec spec, @ForAll @IntRange(min = 0, max = 1000) int where,
                                           @ForAll byte replacement) {
        byte[] wire = spec.render();
        wire[where % wire.length] = replacement;
        RequestParser p = new RequestParser(8192, 16384, 100);
        assertThat(parse(p, wire, wire.length)).isGreaterThanOrEqualTo(RequestParser.ERROR);
    }

    @Property(tries = 200)
    void everyStrictPrefixOfAHeadIsIncomplete(@ForAll("requests") Spec spec) {
        byte[] wire = spec.render();
        int headLength = spec.headLength();
        for (int n = 0; n < headLength; n++) {
            RequestParser fresh = new RequestParser(8192, 16384, 100);
            assertThat(parse(fresh, wire, n)).as("prefix %d of %d", n, headLength).isEqualTo(RequestParser.NEED_MORE);
        }
        RequestParser p = new RequestParser(8192, 16384, 100);
        assertThat(parse(p, wire, wire.length)).isEqualTo(headLength);
    }

    @Property(tries = 300)
    void anySplitParsesLikeTheWhole(@ForAll("requests") Spec spec, @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 40) Integer> cuts) {
        byte[] wire = spec.render();
        RequestParser whole = new RequestParser(8192, 16384, 100);
        int expected = parse(whole, wire, wire.length);
        RequestParser split = new RequestParser(8192, 16384, 100);
        int n = 0;
        int r = RequestParser.NEED_MORE;
        for (int cut : cuts) {
            n = Math.min(wire.length, n + cut);
            r = parse(split, wire, n);
            if (r != RequestParser.NEED_MORE) {
                break;
            }
        }
        if (r == RequestParser.NEED_MORE) {
            r = parse(split, wire, wire.length);
        }
        assertThat(r).isEqualTo(expected);
        assertThat(describe(split.head())).isEqualTo(describe(whole.head()));
    }

    /**
     * A head presented whole goes through the parser's fast path; presented one byte at a time
     * it goes through the byte-by-byte state machine alone. Both must give the same verdict,
     * the same error status and the same head, on valid requests and on mutated ones.
     */
    @Property(tries = 1000)
    void fastPathAgreesWithByteByByteParsing(@ForAll("requests") Spec spec, @ForAll @IntRange(min = 0, max = 1000) int where,
                                             @ForAll("edgyBytes") byte replacement, @ForAll boolean mutate) {
        byte[] wire = spec.render();
        if (mutate) {
            wire[where % wire.length] = replacement;
        }
        RequestParser whole = new RequestParser(8192, 16384, 100);
        int expected = parse(whole, wire, wire.length);
        RequestParser bytewise = new RequestParser(8192, 16384, 100);
        int r = RequestParser.NEED_MORE;
        for (int n = 1; n <= wire.length && r == RequestParser.NEED_MORE; n++) {
            r = parse(bytewise, wire, n);
        }
        assertThat(r).isEqualTo(expected);
        if (r == RequestParser.ERROR) {
            assertThat(bytewise.errorStatus()).isEqualTo(whole.errorStatus());
            assertThat(bytewise.errorReason()).isEqualTo(whole.errorReason());
        } else if (r > 0) {
            assertThat(describe(bytewise.head())).isEqualTo(describe(whole.head()));
        }
    }

    /** Any byte, but mostly the ones a parser's character classes and line handling turn on. */
    @Provide
    Arbitrary<Byte> edgyBytes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of((byte) 0, (byte) '\r', (byte) '\n', (byte) '\t', (byte) ' ',
                        (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0x1F, (byte) ':', (byte) '?', (byte) '%',
                        (byte) '/', (byte) '#', (byte) '"', (byte) ',', (byte) '0')),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
    }

    @Property(tries = 300)
    void renderThenParseRoundTrips(@ForAll("requests") Spec spec) {
        byte[] wire = spec.render();
        RequestParser p = new RequestParser(8192, 16384, 100);
        assertThat(parse(p, wire, wire.length)).isEqualTo(spec.headLength());
        RequestHead h = p.head();
        assertThat(h.latin1(h.methodStart(), h.methodEnd())).isEqualTo(spec.method());
        assertThat(h.method()).isEqualTo(HttpMethod.of(spec.method()));
        assertThat(h.latin1(h.targetStart(), h.targetEnd())).isEqualTo(spec.target());
        int q = spec.target().indexOf('?');
        assertThat(h.latin1(h.pathStart(), h.pathEnd())).isEqualTo(q < 0 ? spec.target() : spec.target().substring(0, q));
        assertThat(h.fieldCount()).isEqualTo(1 + spec.fields().size() + (spec.body().length > 0 ? 1 : 0));
        for (int i = 0; i < spec.fields().size(); i++) {
            String[] f = spec.fields().get(i);
            assertThat(h.latin1(h.nameStart(i + 1), h.nameEnd(i + 1))).isEqualTo(f[0]);
            assertThat(h.latin1(h.valueStart(i + 1), h.valueEnd(i + 1))).isEqualTo(f[1].strip().replaceAll("^[ \t]+|[ \t]+$", ""));
        }
        assertThat(h.contentLength()).isEqualTo(spec.body().length > 0 ? spec.body().length : -1);
    }

    @Property(tries = 300)
    void chunkedEncodeThenDecodeIsIdentity(@ForAll @Size(max = 3000) byte[] body,
                                           @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 700) Integer> chunkSizes,
                                           @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 97) Integer> readSizes,
                                           @ForAll boolean withExtensionsAndTrailers) {
        ByteBuf encoded = new ByteBuf(64);
        int p = 0;
        int k = 0;
        while (p < body.length) {
            int n = Math.min(chunkSizes.get(k++ % chunkSizes.size()), body.length - p);
            if (withExtensionsAndTrailers) {
                encoded.writeHex(n).writeLatin1(";name=\"v\\\"al\";flag").crlf().write(body, p, n).crlf();
            } else {
                ChunkedEncoder.writeChunk(encoded, body, p, n);
            }
            p += n;
        }
        if (withExtensionsAndTrailers) {
            ChunkedEncoder.writeLastChunk(encoded, "X-Checksum", "abc", "X-Other", "1");
        } else {
            ChunkedEncoder.writeLastChunk(encoded);
        }
        byte[] wire = encoded.toByteArray();
        ChunkedDecoder d = new ChunkedDecoder(1024, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        int r = 0;
        while (offset < wire.length && !d.isDone()) {
            int n = Math.min(readSizes.get(r++ % readSizes.size()), wire.length - offset);
            byte[] piece = Arrays.copyOfRange(wire, offset, offset + n);
            int used = d.decode(MemorySegment.ofArray(piece), 0, n,
                    (s, o, l) -> out.writeBytes(s.asSlice(o, l).toArray(ValueLayout.JAVA_BYTE)));
            assertThat(d.isError()).as(d.errorReason()).isFalse();
            offset += used;
        }
        assertThat(d.isDone()).isTrue();
        assertThat(offset).isEqualTo(wire.length);
        assertThat(out.toByteArray()).isEqualTo(body);
        if (withExtensionsAndTrailers) {
            assertThat(new String(d.trailerBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("X-Checksum: abc\r\nX-Other: 1\r\n");
        }
    }

    private static List<String> describe(RequestHead h) {
        List<String> out = new ArrayList<>();
        out.add(h.method() + " " + h.latin1(h.targetStart(), h.targetEnd()) + " " + h.version() + " " + h.contentLength()
                + " " + h.isChunked() + " " + h.isKeepAlive() + " " + h.length());
        for (int i = 0; i < h.fieldCount(); i++) {
            out.add(h.latin1(h.nameStart(i), h.nameEnd(i)) + "=" + h.latin1(h.valueStart(i), h.valueEnd(i)));
        }
        return out;
    }
}
