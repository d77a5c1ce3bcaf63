package io.ringbolt.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of a whole connection: pipelined requests (buffered, chunked and empty bodies)
 * give the same responses however the bytes are split into reads.
 */
class HttpConnectionPropertiesTest {

    @Provide
    Arbitrary<String> pipelines() {
        Arbitrary<String> body = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(40);
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .map(p -> "GET /r/" + p + "?q=" + p + " HTTP/1.1\r\nHost: t\r\nX-A: " + p + "\r\n\r\n");
        Arbitrary<String> withLength = body.map(b -> "POST /r/len HTTP/1.1\r\nHost: t\r\nContent-Length: " + b.length()
                + "\r\n\r\n" + b);
        Arbitrary<String> chunked = Combinators.combine(body, body).as((a, b) ->
                "POST /r/chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + (a.isEmpty() ? "" : Integer.toHexString(a.length()) + ";ext=1\r\n" + a + "\r\n")
                        + (b.isEmpty() ? "" : Integer.toHexString(b.length()) + "\r\n" + b + "\r\n")
                        + "0\r\nX-Trailer: t\r\n\r\n");
        return Arbitraries.oneOf(plain, withLength, chunked).list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("", l));
    }

    static String run(String wire, List<Integer> cuts) {
        Router router = new Router();
        router.route("GET", "/r/{p}", HttpConnectionPropertiesTest::reflect);
        router.route("POST", "/r/{p}", HttpConnectionPropertiesTest::reflect);
        FakeConnection c = new FakeConnection(new FakeReactor(), HttpServer.create(router, HttpOptions.defaults().withServerName(null)));
        int p = 0;
        for (int cut : cuts) {
            int n = Math.min(cut, wire.length() - p);
            c.receive(wire.substring(p, p + n));
            p += n;
        }
        c.receive(wire.substring(p));
        return c.takeSent().replaceAll("Date: [^\r]*\r\n", "");
    }

    static void reflect(HttpRequest q, HttpResponse s) {
        s.send(q.method() + " " + q.pathParam("p") + " " + q.queryParam("q") + " " + q.header("x-a") + " ["
                + q.bodyString() + "] " + q.trailer("x-trailer"));
    }

    @Property(tries = 300)
    void anySplitGivesTheSameResponses(@ForAll("pipelines") String wire,
                                       @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 30) Integer> cuts) {
        String whole = run(wire, List.of());
        assertThat(RawResponse.parseAll(whole)).allMatch(r -> r.status() == 200);
        assertThat(run(wire, cuts)).isEqualTo(whole);
    }

    @Property(tries = 50)
    void oneByteAtATimeGivesTheSameResponses(@ForAll("pipelines") String wire) {
        Integer[] ones = new Integer[wire.length()];
        Arrays.fill(ones, 1);
        assertThat(run(wire, Arrays.asList(ones))).isEqualTo(run(wire, List.of()));
    }
}
