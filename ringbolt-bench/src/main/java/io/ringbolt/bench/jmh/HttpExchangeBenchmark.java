package io.ringbolt.bench.jmh;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
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
 * The whole HTTP layer for one read without the network: 16 pipelined {@code GET /plaintext}
 * requests presented to the connection handler {@link HttpServer} creates, which parses them,
 * routes them, runs the handler and encodes 16 responses into the connection's output (here a
 * byte sink, {@link SinkConnection}). Scores are per request; {@code -prof gc} gives the heap
 * allocation per request of the HTTP layer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpExchangeBenchmark {
    private static final int PIPELINE = 16;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Param({"/plaintext", "/baseline11?a=13&b=42"})
    public String target;

    private Arena arena;
    private SinkConnection connection;
    private ConnectionHandler handler;
    private final ByteView view = new ByteView();
    private MemorySegment input;
    private int inputLength;

    @Setup
    public void setUp() {
        Router router = new Router();
        router.get("/plaintext", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send(HELLO));
        router.get("/baseline11", (req, res) -> res.contentType(ContentType.TEXT_PLAIN)
                .send(Long.toString(req.queryParamLong("a", 0) + req.queryParamLong("b", 0))));
        HttpServer server = HttpServer.create(router);
        connection = new SinkConnection(new SteppedReactor());
        handler = server.newHandler(connection);
        handler.onOpen(connection);
        byte[] one = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        arena = Arena.ofConfined();
        input = Pipelined.repeat(arena, one, PIPELINE);
        inputLength = one.length * PIPELINE;
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public long pipelined16() {
        view.wrap(input, 0, inputLength);
        int consumed = handler.onData(connection, view);
        if (consumed != inputLength) {
            throw new IllegalStateException("consumed " + consumed + " of " + inputLength);
        }
        return connection.drain();
    }
}
