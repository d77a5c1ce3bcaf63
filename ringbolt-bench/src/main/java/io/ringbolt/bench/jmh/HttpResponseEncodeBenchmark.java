package io.ringbolt.bench.jmh;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.http.Compression;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpHandler;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.ResponseStream;
import io.ringbolt.http.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Response encoding: status line, {@code Server}, cached {@code Date}, fields, framing
 * ({@code Content-Length} or chunked) and body, written into the connection's output (a byte
 * sink, {@link SinkConnection}). Every shape answers the same 16 pipelined two-line
 * {@code GET} requests (their parse costs about 0.1 µs each, see {@link HttpParseBenchmark}), so
 * the differences between shapes are the encoding. Scores are per response; {@code -prof gc}
 * gives the heap allocation per response.
 *
 * <ul>
 *   <li>{@code plaintext}: 13-byte {@code text/plain} body, the TechEmpower response;</li>
 *   <li>{@code fields6}: the same body with six application fields (cache, id, CORS …);</li>
 *   <li>{@code body4k}, {@code body64k}: byte-array bodies, inline behind the head up to
 *       16 KiB, a second write above;</li>
 *   <li>{@code chunked4x1k}: a streamed body of four 1 KiB chunks and the last chunk;</li>
 *   <li>{@code gzip4k}: a 4 KiB text body compressed for {@code Accept-Encoding: gzip}.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpResponseEncodeBenchmark {
    private static final int PIPELINE = 16;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Param({"plaintext", "fields6", "body4k", "body64k", "chunked4x1k", "gzip4k"})
    public String shape;

    private Arena arena;
    private SinkConnection connection;
    private ConnectionHandler handler;
    private final ByteView view = new ByteView();
    private MemorySegment input;
    private int inputLength;

    @Setup
    public void setUp() {
        Router router = new Router();
        router.get("/r", handlerFor(shape));
        if (shape.equals("gzip4k")) {
            router.use(Compression.gzip().middleware());
        }
        HttpServer server = HttpServer.create(router);
        connection = new SinkConnection(new SteppedReactor());
        handler = server.newHandler(connection);
        handler.onOpen(connection);
        String acceptEncoding = shape.equals("gzip4k") ? "Accept-Encoding: gzip\r\n" : "";
        byte[] one = ("GET /r HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" + acceptEncoding + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        arena = Arena.ofConfined();
        input = Pipelined.repeat(arena, one, PIPELINE);
        inputLength = one.length * PIPELINE;
        checkAnswers();
    }

    private static HttpHandler handlerFor(String shape) {
        return switch (shape) {
            case "plaintext" -> (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send(HELLO);
            case "fields6" -> (req, res) -> res.contentType(ContentType.TEXT_PLAIN)
                    .header("Cache-Control", "no-store")
                    .header("X-Request-Id", "6f1c2a9e-3b7d-4d8e-9a51-0c2f8e7b4a13")
                    .header("Access-Control-Allow-Origin", "*")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "no-referrer")
                    .send(HELLO);
            case "body4k" -> bytes(4 * 1024);
            case "body64k" -> bytes(64 * 1024);
            case "chunked4x1k" -> {
                byte[] piece = filled(1024);
                yield (req, res) -> {
                    ResponseStream stream = res.contentType(ContentType.TEXT_PLAIN).stream();
                    for (int i = 0; i < 4; i++) {
                        stream.write(piece);
                    }
                    stream.close();
                };
            }
            case "gzip4k" -> {
                byte[] text = filled(4 * 1024);
                yield (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send(text);
            }
            default -> throw new IllegalArgumentException("shape: unknown '" + shape + "'");
        };
    }

    private static HttpHandler bytes(int length) {
        byte[] body = filled(length);
        return (req, res) -> res.contentType(ContentType.APPLICATION_OCTET_STREAM).send(body);
    }

    /** Text that compresses like a typical page (repeating words), not like zeros. */
    private static byte[] filled(int length) {
        byte[] words = "the quick brown fox jumps over the lazy dog 0123456789 ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = words[(i * 7 + i / words.length) % words.length];
        }
        return b;
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** One exchange before measuring: fails at setup, not inside JMH's loop, on a wrong answer. */
    private void checkAnswers() {
        view.wrap(input, 0, inputLength);
        handler.onData(connection, view);
        String out = connection.pending();
        connection.drain();
        int answers = out.split("HTTP/1\\.1 200 ", -1).length - 1;
        boolean framed = shape.equals("chunked4x1k") ? out.contains("Transfer-Encoding: chunked\r\n")
                : out.contains("Content-Length: ");
        boolean encoded = !shape.equals("gzip4k") || out.contains("Content-Encoding: gzip\r\n");
        if (answers != PIPELINE || !framed || !encoded) {
            throw new IllegalStateException(shape + ": expected " + PIPELINE + " framed 200 answers, got " + answers
                    + " (framed=" + framed + ", encoded=" + encoded + "): "
                    + out.substring(0, Math.min(200, out.length())));
        }
    }

    private long exchange() {
        view.wrap(input, 0, inputLength);
        int consumed = handler.onData(connection, view);
        if (consumed != inputLength) {
            throw new IllegalStateException("consumed " + consumed + " of " + inputLength);
        }
        return connection.drain();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public long encode() {
        return exchange();
    }
}
