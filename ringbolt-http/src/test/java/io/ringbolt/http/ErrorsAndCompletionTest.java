package io.ringbolt.http;

import io.ringbolt.http.json.JsonMapper;
import io.ringbolt.http.json.JsonReadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exceptions answered inside the middleware chain, completion listeners on every path, the JSON
 * hooks with a JDK-only test mapper, and how much the error paths log. Stepped by hand on
 * {@link FakeReactor}.
 */
@Timeout(20)
class ErrorsAndCompletionTest {
    final FakeReactor reactor = new FakeReactor();
    final Router router = new Router();
    /** Statuses the outer middleware saw after {@code next} returned. */
    final List<Integer> seenByMiddleware = new ArrayList<>();
    /** What the completion listener was told: status, bytes. */
    final List<long[]> completions = new ArrayList<>();

    ErrorsAndCompletionTest() {
        router.use((req, res, next) -> {
            res.header("Access-Control-Allow-Origin", "*");
            next.handle(req, res);
            seenByMiddleware.add(res.status());
        });
        router.onComplete((req, status, bytes, ns) -> {
            assertThat(ns).isGreaterThanOrEqualTo(0);
            completions.add(new long[] {status, bytes});
        });
        router.exception(NoSuchElementException.class, (req, res, e) ->
                res.status(HttpStatus.NOT_FOUND).contentType(ContentType.TEXT_PLAIN).send("no such thing\n"));
        router.exception(RuntimeException.class, (req, res, e) -> res.status(HttpStatus.SERVICE_UNAVAILABLE));
        router.exception(IllegalArgumentException.class, (req, res, e) -> res.status(422));
        router.get("/ok", (req, res) -> res.send("ok"));
        router.get("/missing-thing", (req, res) -> {
            res.header("X-Handler", "dropped on error");
            throw new NoSuchElementException("item 7");
        });
        router.get("/number", (req, res) -> {
            throw new NumberFormatException("x (expected by the test)"); // an IllegalArgumentException
        });
        router.get("/state", (req, res) -> {
            throw new IllegalStateException("expected by the test"); // only RuntimeException is mapped
        });
        router.get("/bug", (req, res) -> {
            throw new AssertionError("unmapped, expected by the test");
        });
        router.get("/teapot", (req, res) -> {
            throw new HttpException(418, "short and stout");
        });
    }

    FakeConnection connect() {
        return new FakeConnection(reactor, HttpServer.create(router));
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    RawResponse one(String request) {
        FakeConnection c = connect().receive(request);
        String wire = c.takeSent();
        RawResponse r = RawResponse.parseOne(wire);
        assertThat(completions).as("completions").isNotEmpty();
        long[] last = completions.getLast();
        assertThat(last[0]).as("status told to the listener").isEqualTo(r.status());
        assertThat(last[1]).as("bytes told to the listener").isEqualTo(wire.getBytes(StandardCharsets.ISO_8859_1).length);
        return r;
    }

    // ---- exceptions inside the chain -------------------------------------------------------------

    @Test
    void aMappedExceptionKeepsTheMiddlewaresHeaderAndDropsTheHandlers() {
        RawResponse r = one(get("/missing-thing"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("no such thing\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("x-handler")).isNull();
        assertThat(seenByMiddleware).containsExactly(404);
    }

    @Test
    void theMostSpecificRegisteredTypeWins() {
        assertThat(one(get("/number")).status()).isEqualTo(422);
        assertThat(one(get("/state")).status()).isEqualTo(503);
        assertThat(seenByMiddleware).containsExactly(422, 503);
    }

    @Test
    void anUnmappedExceptionIs500WithTheMiddlewaresHeader() {
        RawResponse r = one(get("/bug"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("Internal Server Error\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(seenByMiddleware).containsExactly(500);
    }

    @Test
    void anHttpExceptionKeepsItsStatusAndTheMiddlewaresHeader() {
        RawResponse r = one(get("/teapot"));
        assertThat(r.status()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("short and stout\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
    }

    @Test
    void notFoundAndMethodNotAllowedPassThroughTheMiddleware() {
        RawResponse nf = one(get("/nowhere"));
        assertThat(nf.status()).isEqualTo(404);
        assertThat(nf.header("access-control-allow-origin")).isEqualTo("*");
        RawResponse na = one("DELETE /ok HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(na.status()).isEqualTo(405);
        assertThat(na.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(seenByMiddleware).containsExactly(404, 405);
    }

    @Test
    void aMiddlewareThatThrowsIsAnsweredInsideTheOuterMiddleware() {
        router.use("/admin", (req, res, next) -> {
            throw new HttpException(401, "who are you");
        });
        router.get("/admin/panel", (req, res) -> res.send("secret"));
        RawResponse r = one(get("/admin/panel"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(seenByMiddleware).containsExactly(401);
    }

    @Test
    void anExceptionHandlerThatThrowsFallsBackToTheErrorHandler() {
        router.exception(UnsupportedOperationException.class, (req, res, e) -> {
            throw new IllegalStateException("the mapper broke (expected by the test)");
        });
        router.get("/unsupported", (req, res) -> {
            throw new UnsupportedOperationException("expected by the test");
        });
        RawResponse r = one(get("/unsupported"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
    }

    @Test
    void aDeferredHandlerThatThrowsIsAnsweredAndTheNextRequestServed() {
        router.get("/defer-then-throw", (req, res) -> {
            res.defer();
            throw new NoSuchElementException("expected by the test");
        });
        FakeConnection c = connect().receive(get("/defer-then-throw") + get("/ok"));
        List<RawResponse> rs = RawResponse.parseAll(c.takeSent());
        assertThat(rs).extracting(RawResponse::status).containsExactly(404, 200);
        assertThat(completions).extracting(a -> a[0]).containsExactly(404L, 200L);
    }

    @Test
    void aBlockingHandlerThatThrowsIsMappedOnItsVirtualThread() throws Exception {
        router.get("/vt-missing", (req, res) -> {
            throw new NoSuchElementException("expected by the test");
        }).blocking();
        FakeConnection c = connect().receive(get("/vt-missing"));
        reactor.awaitAndRunTasks();
        String wire = c.takeSent();
        RawResponse r = RawResponse.parseOne(wire);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(completions.getLast()).containsExactly(404, wire.length());
    }

    @Test
    void aStreamThatFailsAfterItsHeadAbortsTheConnectionAndIsReportedOnce() {
        router.get("/stream-fails", (req, res) -> {
            res.stream().write("partial");
            throw new IllegalStateException("expected by the test");
        });
        FakeConnection c = connect().receive(get("/stream-fails"));
        reactor.runTasks();
        assertThat(c.takeSent()).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(c.isOpen()).isFalse();
        assertThat(completions).extracting(a -> a[0]).containsExactly(200L);
    }

    // ---- completion listeners -------------------------------------------------------------------

    @Test
    void listenersHearTheStatusAndBytesOfDeferredStreamedAndBlockingResponses() throws Exception {
        router.get("/later", (req, res) -> {
            res.defer();
            req.connection().reactor().schedule(5, TimeUnit.MILLISECONDS, () -> res.status(202).send("later"));
        });
        router.get("/stream", (req, res) -> {
            ResponseStream s = res.status(206).stream();
            s.write("one,").write("two");
            s.close();
        });
        router.get("/vt", (req, res) -> res.status(201).send("from a virtual thread")).blocking();

        FakeConnection c = connect().receive(get("/later"));
        reactor.advance(TimeUnit.MILLISECONDS.toNanos(5));
        checkLast(c.takeSent(), 202);
        c.receive(get("/stream"));
        checkLast(c.takeSent(), 206);
        c.receive(get("/vt"));
        reactor.awaitAndRunTasks();
        checkLast(c.takeSent(), 201);
        assertThat(completions).hasSize(3);
    }

    private void checkLast(String wire, int status) {
        assertThat(RawResponse.parseOne(wire).status()).isEqualTo(status);
        assertThat(completions.getLast()).containsExactly(status, wire.length());
    }

    @Test
    void listenersHearTheErrorsTheServerWritesForAParsedRequest() {
        router.post("/small", (req, res) -> res.send("fits")).maxBodyBytes(4);
        one("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(completions.getLast()[0]).isEqualTo(413);
        one("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertThat(completions.getLast()[0]).isEqualTo(400);
        one("CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(completions.getLast()[0]).isEqualTo(501);
    }

    @Test
    void aBodyTimeoutIsHeardButAMalformedOrTimedOutHeadIsNot() {
        FakeConnection c = connect().receive("POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab");
        reactor.advance(TimeUnit.SECONDS.toNanos(60));
        assertThat(RawResponse.parseOne(c.takeSent()).status()).isEqualTo(408);
        assertThat(completions).extracting(a -> a[0]).containsExactly(408L);

        connect().receive("GET / HTTP/1.1\r\nBad Header\r\n\r\n");
        connect().receive("GET / HT");
        reactor.advance(TimeUnit.SECONDS.toNanos(60));
        assertThat(completions).hasSize(1);
    }

    @Test
    void aThrowingListenerDoesNotHurtTheConnection() {
        router.onComplete((req, status, bytes, ns) -> {
            throw new IllegalStateException("listener bug (expected by the test)");
        });
        FakeConnection c = connect().receive(get("/ok") + get("/ok"));
        assertThat(RawResponse.parseAll(c.takeSent())).hasSize(2);
        assertThat(c.isOpen()).isTrue();
        assertThat(completions).hasSize(2);
    }

    // ---- JSON hooks ---------------------------------------------------------------------------------

    /** A JDK-only mapper for int[] bodies like {@code [1,2,3]}; anything else is "malformed". */
    static final class IntArrayMapper implements JsonMapper {
        @Override
        public byte[] write(Object value) {
            StringBuilder b = new StringBuilder("[");
            for (int v : (int[]) value) {
                b.append(b.length() > 1 ? "," : "").append(v);
            }
            return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object read(byte[] json, int offset, int length, Type type) {
            String s = new String(json, offset, length, StandardCharsets.UTF_8).strip();
            if (type != int[].class) {
                throw new JsonReadException("expected an array of integers");
            }
            if (!s.matches("\\[(-?[0-9]+(,-?[0-9]+)*)?]")) {
                throw new JsonReadException("malformed JSON \"here\"");
            }
            String inner = s.substring(1, s.length() - 1);
            return inner.isEmpty() ? new int[0]
                    : java.util.Arrays.stream(inner.split(",")).mapToInt(Integer::parseInt).toArray();
        }
    }

    private void jsonRoutes() {
        router.json(new IntArrayMapper());
        router.post("/reverse", (req, res) -> {
            int[] in = req.bodyAs(int[].class);
            int[] out = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = in[in.length - 1 - i];
            }
            res.json(out);
        });
        router.post("/wrong-type", (req, res) -> res.json(req.bodyAs(String.class)));
    }

    static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void jsonInAndOutThroughTheMapper() {
        jsonRoutes();
        RawResponse r = one(post("/reverse", "application/json; charset=utf-8", "[1,2,3]"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("[3,2,1]");
        assertThat(one(post("/reverse", null, "[]")).body()).isEqualTo("[]");
        assertThat(one(post("/reverse", "application/vnd.api+json", "[5]")).body()).isEqualTo("[5]");
    }

    @Test
    void badJsonIs400AsAJsonObjectWithAnEscapedMessage() {
        jsonRoutes();
        RawResponse r = one(post("/reverse", "application/json", "[1,"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":400,\"error\":\"malformed JSON \\\"here\\\"\"}\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        RawResponse wrong = one(post("/wrong-type", "application/json", "[1]"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("expected an array of integers");
        RawResponse empty = one(post("/reverse", "application/json", ""));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");
    }

    @Test
    void aBodyThatSaysItIsNotJsonIs415() {
        jsonRoutes();
        RawResponse r = one(post("/reverse", "text/plain", "[1]"));
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(one(post("/reverse", "application/jsonp", "[1]")).status()).isEqualTo(415);
    }

    @Test
    void jsonWithoutAMapperIsAServerError() {
        router.get("/json", (req, res) -> res.json(new int[] {1}));
        router.exception(IllegalStateException.class, (req, res, e) -> res.status(500).send(e.getMessage()));
        RawResponse r = one(get("/json"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).startsWith("no JSON mapper");
    }

    @Test
    void anHttpExceptionIsMappedOnlyByItsOwnTypes() {
        router.exception(HttpException.class, (req, res, e) -> res.status(e.status()).send("mapped " + e.status()));
        assertThat(one(get("/teapot")).body()).isEqualTo("mapped 418");
    }

    // ---- logging --------------------------------------------------------------------------------------

    /** Records of the http logger at {@code level} and above while it runs. */
    static final class Capture extends Handler implements AutoCloseable {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Logger logger = Logger.getLogger("io.ringbolt.http");
        private final Level before = logger.getLevel();

        Capture(Level level) {
            logger.setLevel(level);
            setLevel(level);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(before);
        }
    }

    @Test
    void clientErrorsLogAtDebugWithoutATraceAndServerErrorsAreRateLimitedWithOne() {
        jsonRoutes();
        router.get("/npe", (req, res) -> {
            throw new java.io.IOException("server trouble (expected by the test)"); // not mapped: not a RuntimeException
        });
        StringBuilder bad = new StringBuilder();
        StringBuilder bugs = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            bad.append(post("/reverse", "application/json", "{nope" + i));
            bugs.append(get("/npe"));
        }
        try (Capture info = new Capture(Level.INFO)) {
            FakeConnection c = connect().receive(bad.toString());
            assertThat(RawResponse.parseAll(c.takeSent())).hasSize(1000).allMatch(r -> r.status() == 400);
            assertThat(info.records).as("1000 malformed bodies at the default level").isEmpty();
            FakeConnection b = connect().receive(bugs.toString());
            assertThat(RawResponse.parseAll(b.takeSent())).hasSize(1000).allMatch(r -> r.status() == 500);
            assertThat(info.records).as("1000 server errors, rate-limited").hasSizeBetween(1, 3);
            assertThat(info.records.getFirst().getLevel()).isEqualTo(Level.WARNING);
            assertThat(info.records.getFirst().getThrown()).isInstanceOf(java.io.IOException.class);
        }
        try (Capture debug = new Capture(Level.FINE)) {
            connect().receive(post("/reverse", "application/json", "{nope") + get("/teapot") + get("/missing-thing"));
            assertThat(debug.records).hasSize(3).allMatch(r -> r.getLevel() == Level.FINE && r.getThrown() == null);
        }
    }
}
