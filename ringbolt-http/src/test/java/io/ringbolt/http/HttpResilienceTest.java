package io.ringbolt.http;

import io.ringbolt.buffer.MemoryBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or broken client can do to one connection's memory and time: bodies against
 * the memory budget, body deadlines, and pipelined requests against the output's water mark.
 * The reactor and the connection are stepped by hand.
 */
@Timeout(20)
class HttpResilienceTest {
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    final FakeReactor reactor = new FakeReactor();
    final Router router = new Router();
    HttpOptions options = HttpOptions.defaults();
    int handled;

    HttpResilienceTest() {
        router.get("/", (req, res) -> {
            handled++;
            res.send("hello");
        });
        router.post("/echo", (req, res) -> {
            handled++;
            res.send(req.body());
        });
    }

    FakeConnection connect() {
        return new FakeConnection(reactor, HttpServer.create(router, options));
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    static String postHead(long contentLength) {
        return "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** Takes every byte the budget has left, as other connections would. */
    long exhaust(MemoryBudget budget) {
        long rest = budget.availableBytes();
        assertThat(budget.tryReserve(rest)).isTrue();
        return rest;
    }

    // ---- memory budget -----------------------------------------------------------------------

    @Test
    void aDeclaredContentLengthReservesNothingUntilBodyBytesArrive() {
        // Regression: the body buffer was pre-allocated from the header alone (min(Content-Length,
        // 1 MiB)), so 7,000 connections sending only heads held 7 GB of heap.
        reactor.budget = MemoryBudget.of(64 << 20);
        FakeConnection c = connect().receive(postHead(8 << 20));
        assertThat(reactor.budget.reservedBytes()).isZero();
        c.receive("0123456789");
        assertThat(reactor.budget.reservedBytes()).isBetween(10L, 4096L);
    }

    @Test
    void theBodyBufferGrowsWithTheBytesThatArriveAndIsGivenBack() {
        reactor.budget = MemoryBudget.of(64 << 20);
        FakeConnection c = connect().receive(postHead(300_000));
        for (int i = 0; i < 30; i++) {
            c.receive("x".repeat(10_000));
            assertThat(reactor.budget.reservedBytes()).isLessThanOrEqualTo(Math.max(4096, 2L * 10_000 * (i + 1)));
        }
        RawResponse r = RawResponse.parseOne(c.takeSent());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(300_000);
        assertThat(reactor.budget.reservedBytes()).as("a large buffer goes back after its request").isZero();
        c.close();
        assertThat(reactor.budget.reservedBytes()).isZero();
    }

    @Test
    void aNewBodyGets503WithRetryAfterWhileTheBudgetIsExhausted() {
        reactor.budget = MemoryBudget.of(1 << 20);
        exhaust(reactor.budget);
        FakeConnection c = connect().receive(postHead(100_000) + "abc");
        RawResponse r = RawResponse.parseOne(c.takeSent());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("1");
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(c.isOpen()).isFalse();
        assertThat(handled).isZero();

        FakeConnection other = connect().receive(get("/"));
        assertThat(RawResponse.parseOne(other.takeSent()).status()).as("requests without a body are still served").isEqualTo(200);
    }

    @Test
    void aBodyUnderWayPausesReadingUntilMemoryFreesUpThenCompletes() {
        reactor.budget = MemoryBudget.of(1 << 20);
        FakeConnection c = connect().receive(postHead(100_000) + "x".repeat(10_000));
        long taken = exhaust(reactor.budget);
        c.receive("y".repeat(90_000));
        assertThat(c.isReadEnabled()).as("paused: the rest stays in the socket").isFalse();
        assertThat(c.keptBytes()).isPositive();
        assertThat(c.takeSent()).isEmpty();

        reactor.advance(60 * MS);
        assertThat(c.isReadEnabled()).as("still no memory: paused again").isFalse();
        assertThat(c.takeSent()).isEmpty();

        reactor.budget.release(taken);
        String sent = "";
        for (int i = 0; i < 25 && sent.isEmpty(); i++) { // retries back off, up to 1 s apart
            reactor.advance(50 * MS);
            sent = c.takeSent();
        }
        RawResponse r = RawResponse.parseOne(sent);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("x".repeat(10_000) + "y".repeat(90_000));
        assertThat(c.isOpen()).isTrue();
        assertThat(c.isReadEnabled()).isTrue();
    }

    @Test
    void aBodyThatWaitsTooLongForMemoryGets503AndGivesBackWhatItHeld() {
        reactor.budget = MemoryBudget.of(1 << 20);
        FakeConnection c = connect().receive(postHead(100_000) + "x".repeat(10_000));
        long held = reactor.budget.reservedBytes();
        assertThat(held).isPositive();
        long taken = exhaust(reactor.budget);
        c.receive("y".repeat(20_000));
        for (long waited = 0; waited < HttpConnection.BUDGET_WAIT_NS + 200 * MS; waited += 50 * MS) {
            reactor.advance(50 * MS);
        }
        RawResponse r = RawResponse.parseOne(c.takeSent());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("1");
        assertThat(c.isOpen()).isFalse();
        assertThat(reactor.budget.reservedBytes()).isEqualTo(taken);
    }

    // ---- body deadlines ------------------------------------------------------------------------

    @Test
    void aBodyBelowTheMinimumRateGets408AfterTheGracePeriod() {
        // Regression: the body timer was the keep-alive timeout re-armed on every byte, so one
        // byte every 10 s held a connection (and its buffer) forever.
        options = options.withBodyMinRate(1000, Duration.ofSeconds(2));
        FakeConnection c = connect().receive(postHead(100_000) + "a");
        for (int i = 0; i < 19; i++) {
            reactor.advance(100 * MS);
            c.receive("b");
        }
        assertThat(c.takeSent()).as("within the grace period").isEmpty();
        reactor.advance(150 * MS);
        RawResponse r = RawResponse.parseOne(c.takeSent());
        assertThat(r.status()).isEqualTo(408);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void aBodyAboveTheMinimumRateIsNeverCutOff() {
        options = options.withBodyMinRate(1000, Duration.ofSeconds(1));
        FakeConnection c = connect().receive(postHead(10_000));
        for (int i = 0; i < 50; i++) {
            reactor.advance(100 * MS); // 200 bytes per 100 ms: 2,000 bytes/s for 5 s
            c.receive("z".repeat(200));
        }
        RawResponse r = RawResponse.parseOne(c.takeSent());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(10_000);
    }

    @Test
    void theBodyTimeoutBoundsEvenABodyFastEnoughForTheRate() {
        options = options.withBodyMinRate(10, Duration.ofSeconds(1)).withBodyTimeout(Duration.ofSeconds(3));
        FakeConnection c = connect().receive(postHead(1_000_000));
        for (int i = 0; i < 29; i++) {
            reactor.advance(100 * MS);
            c.receive("z".repeat(100));
        }
        assertThat(c.takeSent()).isEmpty();
        reactor.advance(150 * MS);
        assertThat(RawResponse.parseOne(c.takeSent()).status()).isEqualTo(408);
    }

    // ---- pipelining against back-pressure --------------------------------------------------------

    @Test
    void pipelinedRequestsWaitWhileTheOutputIsAboveItsHighWaterMark() {
        FakeConnection c = connect();
        c.writability(false);
        c.receive(get("/") + get("/") + get("/"));
        assertThat(handled).as("nothing answered while output is stuck").isZero();
        assertThat(c.isReadEnabled()).isFalse();
        assertThat(c.keptBytes()).isEqualTo(3 * get("/").length());

        c.writability(true);
        reactor.runTasks();
        assertThat(handled).isEqualTo(3);
        List<RawResponse> rs = RawResponse.parseAll(c.takeSent());
        assertThat(rs).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(c.isReadEnabled()).isTrue();
        assertThat(c.keptBytes()).isZero();
    }

    @Test
    void theOutputCrossingItsMarkMidPipelineStopsAtTheNextRequest() {
        router.get("/fill", (req, res) -> {
            handled++;
            res.send("full");
            ((FakeConnection) req.connection()).writability(false);
        });
        FakeConnection c = connect().receive(get("/") + get("/fill") + get("/") + get("/"));
        assertThat(handled).isEqualTo(2);
        assertThat(c.keptBytes()).isEqualTo(2 * get("/").length());
        c.writability(true);
        reactor.runTasks();
        assertThat(handled).isEqualTo(4);
        assertThat(RawResponse.parseAll(c.takeSent())).extracting(RawResponse::body)
                .containsExactly("hello", "full", "hello", "hello");
    }

    @Test
    void inputBehindADeferredResponseStaysWithTheEngineAndPausesReadingPastItsBound() {
        router.get("/later", (req, res) -> {
            res.defer();
            req.connection().reactor().schedule(5, TimeUnit.MILLISECONDS, () -> res.send("later"));
        });
        FakeConnection c = connect().receive(get("/later"));
        int behind = 0;
        StringBuilder wire = new StringBuilder();
        while (wire.length() <= 300 * 1024) {
            wire.append(get("/"));
            behind++;
        }
        c.receive(wire.toString());
        assertThat(c.keptBytes()).as("left to the engine, not copied").isEqualTo(wire.length());
        assertThat(c.isReadEnabled()).as("paused above 256 KiB of input behind a busy response").isFalse();
        assertThat(handled).isZero();

        reactor.advance(5 * MS);
        assertThat(handled).isEqualTo(behind);
        List<RawResponse> rs = RawResponse.parseAll(c.takeSent());
        assertThat(rs).hasSize(behind + 1);
        assertThat(rs.getFirst().body()).isEqualTo("later");
        assertThat(c.isReadEnabled()).isTrue();
        assertThat(c.keptBytes()).isZero();
    }
}
