package io.ringbolt.http;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HttpServer#metrics()} over real loopback connections: requests by method and status
 * class, rejections by kind, in-flight requests and the duration histogram. A fresh server per
 * test so the counts are exact. Subclasses pick the backend.
 */
@Timeout(60)
abstract class HttpMetricsIntegrationSuite {
    private static final Duration WAIT = Duration.ofSeconds(20);

    HttpServer http;
    Engine engine;
    int port;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);

    abstract Backend backend();

    @BeforeEach
    void start() {
        Router router = new Router();
        router.get("/ok", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("ok\n"));
        router.get("/boom", (req, res) -> {
            throw new IllegalStateException("unmapped (expected by the test)");
        });
        router.post("/small", (req, res) -> res.send("fits\n")).maxBodyBytes(8);
        router.get("/wait", (req, res) -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            res.send("released\n");
        }).blocking();
        router.get("/stream", (req, res) -> {
            ResponseStream s = res.contentType(ContentType.TEXT_PLAIN).stream();
            Thread.ofVirtual().start(() -> {
                try {
                    s.write("first\n").flush();
                    release.await(30, TimeUnit.SECONDS);
                    s.write("second\n");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    s.close();
                }
            });
        });
        this.router = router;
        http = HttpServer.create(router);
        engine = startEngine(http);
        port = engine.port();
    }

    Router router;

    Engine startEngine(HttpServer server) {
        try {
            return Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(server).start();
        } catch (BackendUnavailableException e) {
            return Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                return Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (engine != null) {
            engine.close();
        }
    }

    /** Sends {@code wire} on a fresh connection and reads until the server closes it. */
    String exchange(String wire) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(wire.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static void await(String what, BooleanSupplier condition, Object state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + ": " + state);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void requestsAreCountedByMethodAndStatusClassWithTheirDurations() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
        assertThat(exchange("GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(exchange("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405");
        assertThat(exchange("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 500");
        // Two pipelined requests on one connection.
        assertThat(exchange("HEAD /ok HTTP/1.1\r\nHost: x\r\n\r\nHEAD /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        await("8 requests", () -> http.metrics().requests() == 8, http.metrics());
        HttpMetrics m = http.metrics();
        assertThat(m.requests(HttpMethod.GET, 2)).isEqualTo(3);
        assertThat(m.requests(HttpMethod.GET, 4)).isEqualTo(1);
        assertThat(m.requests(HttpMethod.POST, 4)).isEqualTo(1);
        assertThat(m.requests(HttpMethod.GET, 5)).isEqualTo(1);
        assertThat(m.requests(HttpMethod.HEAD, 2)).isEqualTo(2);
        assertThat(m.requests(HttpMethod.PUT, 2)).isZero();
        assertThat(m.inFlight()).isZero();
        assertThat(m.durationCount()).isEqualTo(8);
        long inBuckets = 0;
        for (int i = 0; i <= HttpMetrics.bucketBoundsSeconds().length; i++) {
            inBuckets += m.bucketCount(i);
        }
        assertThat(inBuckets).isEqualTo(8);
        // Durations use the reactor's loop clock: a request answered within one iteration may take 0 ns.
        assertThat(m.durationSumNanos()).isNotNegative();
        for (HttpMetrics.Rejection r : HttpMetrics.Rejection.values()) {
            assertThat(m.rejections(r)).as(r.name()).isZero();
        }
    }

    @Test
    void rejectionsAreCountedByKind() throws Exception {
        assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 414");
        assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(128 * 1024) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
        assertThat(exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n")).startsWith("HTTP/1.1 501");
        assertThat(exchange("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "z".repeat(100)))
                .startsWith("HTTP/1.1 413");
        await("5 rejections", () -> {
            HttpMetrics m = http.metrics();
            long sum = 0;
            for (HttpMetrics.Rejection r : HttpMetrics.Rejection.values()) {
                sum += m.rejections(r);
            }
            return sum == 5;
        }, http.metrics());
        HttpMetrics m = http.metrics();
        assertThat(m.rejections(HttpMetrics.Rejection.BAD_REQUEST)).isEqualTo(1);
        assertThat(m.rejections(HttpMetrics.Rejection.URI_TOO_LONG)).isEqualTo(1);
        assertThat(m.rejections(HttpMetrics.Rejection.HEADER_FIELDS_TOO_LARGE)).isEqualTo(1);
        assertThat(m.rejections(HttpMetrics.Rejection.NOT_IMPLEMENTED)).isEqualTo(1);
        assertThat(m.rejections(HttpMetrics.Rejection.CONTENT_TOO_LARGE)).isEqualTo(1);
        // Heads that parsed (CONNECT, the oversized body) are requests too; malformed heads are not.
        assertThat(m.requests(HttpMethod.CONNECT, 5)).isEqualTo(1);
        assertThat(m.requests(HttpMethod.POST, 4)).isEqualTo(1);
        assertThat(m.requests()).isEqualTo(2);
        assertThat(m.inFlight()).isZero();
    }

    @Test
    void inFlightCountsARequestUntilItsResponseAndAnAbandonedOneIsNotLeaked() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(http.metrics().inFlight()).isEqualTo(1);
        } // the client gives up before the answer
        release.countDown();
        await("no request in flight", () -> http.metrics().inFlight() == 0, http.metrics());
        // The blocking request held its response until released: its duration is in the sum.
        await("the waited request counted", () -> http.metrics().durationCount() == 1, http.metrics());
        assertThat(http.metrics().durationSumNanos()).isPositive();
        assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        await("the next request counted", () -> http.metrics().requests(HttpMethod.GET, 2) >= 1, http.metrics());
        assertThat(http.metrics().inFlight()).isZero();
    }

    @Test
    void anH2cUpgradeCountsThe101AndTheHttp2Response() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 2; i++) {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/ok")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
        // The first request upgrades (101 on HTTP/1.1, then 200 on stream 1); the second is HTTP/2 only.
        await("three counted", () -> http.metrics().requests() == 3, http.metrics());
        HttpMetrics m = http.metrics();
        assertThat(m.requests(HttpMethod.GET, 1)).isEqualTo(1);
        assertThat(m.requests(HttpMethod.GET, 2)).isEqualTo(2);
        assertThat(m.inFlight()).isZero();
        assertThat(m.durationCount()).isEqualTo(3);
    }

    @Test
    void http2StreamsAreInFlightFromDispatchToTheirResponse() throws Exception {
        try (H2cSocket h2 = new H2cSocket(port)) {
            assertThat(h2.get(1, "/ok").awaitEnd(1).type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
            h2.get(3, "/wait");
            assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(http.metrics().inFlight()).isEqualTo(1);
            release.countDown();
            assertThat(h2.awaitEnd(3).type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
            await("both counted", () -> http.metrics().requests(HttpMethod.GET, 2) == 2, http.metrics());
            await("no request in flight", () -> http.metrics().inFlight() == 0, http.metrics());
        }
    }

    @Test
    void anHttp2StreamResetMidResponseLeavesInFlightExactlyOnce() throws Exception {
        try (H2cSocket h2 = new H2cSocket(port)) {
            h2.get(1, "/stream");
            assertThat(h2.next().type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
            assertThat(h2.next().type()).isEqualTo(io.ringbolt.http.h2.Frames.DATA);
            assertThat(http.metrics().inFlight()).isEqualTo(1);
            h2.reset(1);
            await("the reset stream out of flight", () -> http.metrics().inFlight() == 0, http.metrics());
            // The producer ends its response after the reset: counted as finished, not out of flight twice.
            release.countDown();
            await("the stream's end counted", () -> http.metrics().requests() == 1, http.metrics());
            assertThat(http.metrics().inFlight()).isZero();
            // The connection serves on.
            assertThat(h2.get(3, "/ok").awaitEnd(3).type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
            await("the next request counted", () -> http.metrics().requests() == 2, http.metrics());
            assertThat(http.metrics().inFlight()).isZero();
        }
    }

    @Test
    void droppingAnHttp2ConnectionWithStreamsOpenLeavesNothingInFlight() throws Exception {
        H2cSocket h2 = new H2cSocket(port);
        h2.get(1, "/stream");
        assertThat(h2.next().type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
        assertThat(h2.next().type()).isEqualTo(io.ringbolt.http.h2.Frames.DATA);
        h2.get(3, "/wait");
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(http.metrics().inFlight()).isEqualTo(2);
        h2.close();
        await("no request in flight after the drop", () -> http.metrics().inFlight() == 0, http.metrics());
        // Both handlers finish after the drop: neither leaves flight a second time.
        release.countDown();
        await("the streamed response's end counted", () -> http.metrics().requests() == 1, http.metrics());
        assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        await("the next request counted", () -> http.metrics().requests() == 2, http.metrics());
        assertThat(http.metrics().inFlight()).isZero();
    }

    @Test
    void withMetricsOffNothingIsRecordedAndEverythingIsServed() throws Exception {
        HttpServer off = HttpServer.create(router).metricsEnabled(false);
        assertThat(off.metricsEnabled()).isFalse();
        Engine second = startEngine(off);
        int defaultPort = port;
        try {
            port = second.port();
            assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
            assertThat(exchange("GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
            assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")).startsWith("HTTP/1.1 400");
            try (H2cSocket h2 = new H2cSocket(port)) {
                assertThat(h2.get(1, "/ok").awaitEnd(1).type()).isEqualTo(io.ringbolt.http.h2.Frames.HEADERS);
            }
            // The same requests on the default server are counted: the switch is what differs.
            port = defaultPort;
            assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
            await("counted with metrics on", () -> http.metrics().requests() == 1, http.metrics());
            HttpMetrics m = off.metrics();
            assertThat(m.requests()).isZero();
            assertThat(m.durationCount()).isZero();
            assertThat(m.inFlight()).isZero();
            for (HttpMetrics.Rejection r : HttpMetrics.Rejection.values()) {
                assertThat(m.rejections(r)).as(r.name()).isZero();
            }
        } finally {
            second.close();
        }
    }
}
