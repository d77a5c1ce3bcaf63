package io.ringbolt.bench.jmh;

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
 * {@link RequestParser} on one complete request head held off-heap, as the engine presents
 * received bytes: {@code wrk} is the 2-field request wrk sends, {@code browser} a 12-field
 * request of about 700 bytes.
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

    @Param({"wrk", "browser"})
    public String request;

    private Arena arena;
    private MemorySegment bytes;
    private int length;
    private RequestParser parser;

    @Setup
    public void setUp() {
        byte[] b = ("wrk".equals(request) ? WRK : BROWSER).getBytes(StandardCharsets.US_ASCII);
        arena = Arena.ofConfined();
        bytes = arena.allocate(b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, bytes, 0, b.length);
        length = b.length;
        parser = new RequestParser(8192, 16384, 100);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int parseHead() {
        parser.reset();
        int n = parser.parse(bytes, 0, length);
        if (n != length) {
            throw new IllegalStateException("parse returned " + n + " for a " + length + "-byte head");
        }
        return n;
    }
}
