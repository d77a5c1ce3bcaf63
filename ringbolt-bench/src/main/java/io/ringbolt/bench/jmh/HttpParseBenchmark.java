package io.ringbolt.bench.jmh;

import io.ringbolt.http.codec.BodyConsumer;
import io.ringbolt.http.codec.ChunkedDecoder;
import io.ringbolt.http.codec.RequestParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@link RequestParser} on one complete request held off-heap, as the engine presents received
 * bytes: {@code wrk} is the 1-field request wrk sends, {@code browser} a 12-field request of
 * about 700 bytes, {@code headers20} a GET with 20 header fields (an API client behind a proxy:
 * tracing, forwarding, auth), and {@code chunkedPost} a POST whose 1 KiB body arrives in four
 * chunks with extensions absent: the head is parsed, then the body through
 * {@link ChunkedDecoder} to its last chunk, every data byte handed to a consumer in place.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpParseBenchmark {
    static final String WRK = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    static final String BROWSER = "GET /json?page=2&sort=name HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://www.example.com/catalogue/index.html\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark; consent=1; ab=variant-b\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Priority: u=0, i\r\n"
            + "\r\n";

    static final String HEADERS20 = "GET /api/v2/orders/98231/items?expand=product&limit=50 HTTP/1.1\r\n"
            + "Host: api.example.com\r\n"
            + "User-Agent: okhttp/4.12.0\r\n"
            + "Accept: application/json\r\n"
            + "Accept-Encoding: gzip\r\n"
            + "Accept-Language: en-GB\r\n"
            + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsInNjb3BlIjoib3JkZXJzIn0.c2lnbmF0dXJl\r\n"
            + "Cache-Control: no-cache\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: sid=4c1f0e8a; region=eu-west-1\r\n"
            + "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"\r\n"
            + "X-Request-Id: 7b6f3c1e-5d2a-4f8b-9e0c-1a2b3c4d5e6f\r\n"
            + "X-Forwarded-For: 203.0.113.195, 70.41.3.18\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: api.example.com\r\n"
            + "X-Real-IP: 203.0.113.195\r\n"
            + "Traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
            + "Tracestate: congo=t61rcWkgMzE\r\n"
            + "X-Client-Version: 5.18.2\r\n"
            + "X-Tenant: acme\r\n"
            + "Origin: https://app.example.com\r\n"
            + "\r\n";
    static final String CHUNKED_POST;

    static {
        StringBuilder b = new StringBuilder("POST /upload HTTP/1.1\r\n"
                + "Host: 127.0.0.1:8080\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "\r\n");
        for (int i = 0; i < 4; i++) {
            b.append("100\r\n").append(String.valueOf((char) ('a' + i)).repeat(256)).append("\r\n");
        }
        CHUNKED_POST = b.append("0\r\n\r\n").toString();
    }

    @Param({"wrk", "browser", "headers20", "chunkedPost"})
    public String request;

    private Arena arena;
    private MemorySegment bytes;
    private int length;
    private RequestParser parser;
    private ChunkedDecoder chunked;
    private long bodyBytes;
    private final BodyConsumer sink = (segment, offset, n) -> bodyBytes += n;

    @Setup
    public void setUp() {
        String text = switch (request) {
            case "wrk" -> WRK;
            case "browser" -> BROWSER;
            case "headers20" -> HEADERS20;
            case "chunkedPost" -> CHUNKED_POST;
            default -> throw new IllegalArgumentException(request);
        };
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        arena = Arena.ofConfined();
        bytes = arena.allocate(b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, bytes, 0, b.length);
        length = b.length;
        parser = new RequestParser(8192, 16384, 100);
        chunked = new ChunkedDecoder(8192, 100);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Parses the head and, when it announces a chunked body, decodes the body to its end. */
    @Benchmark
    public long parse() {
        parser.reset();
        int n = parser.parse(bytes, 0, length);
        if (n <= 0) {
            throw new IllegalStateException("parse returned " + n + " for a " + length + "-byte request");
        }
        if (!parser.head().isChunked()) {
            if (n != length) {
                throw new IllegalStateException("parse returned " + n + " for a " + length + "-byte head");
            }
            return n;
        }
        chunked.reset(Long.MAX_VALUE);
        bodyBytes = 0;
        int m = chunked.decode(bytes, n, length - n, sink);
        if (n + m != length || !chunked.isDone() || bodyBytes != 1024) {
            throw new IllegalStateException("chunked body: consumed " + m + ", done " + chunked.isDone()
                    + ", " + bodyBytes + " data bytes");
        }
        return bodyBytes;
    }
}
