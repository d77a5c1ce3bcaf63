package io.ringbolt.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The binding on a real engine over loopback, on both backends, with two kinds of registry. */
@Timeout(60)
class RingboltMetricsIntegrationTest {

    private static Engine start(Backend backend, HttpServer http) {
        try {
            return Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(http).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend.displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend.displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        return null;
    }

    private static HttpServer server() {
        Router router = new Router();
        router.get("/ok", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("ok\n"));
        return HttpServer.create(router);
    }

    private static void get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readAllBytes();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            Thread.sleep(10);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void everyCounterIsBoundAndFollowsTheEngine(Backend backend) throws Exception {
        HttpServer http = server();
        try (Engine engine = start(backend, http)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RingboltMetrics.of(engine, http).bindTo(registry);
            for (Counter c : Counter.values()) {
                assertThat(registry.find(RingboltMetrics.meterName(c)).meters()).as(c.name()).isNotEmpty();
            }
            get(engine.port(), "/ok");
            get(engine.port(), "/ok");
            get(engine.port(), "/nope");
            await("three requests", () -> http.metrics().requests() == 3);
            Thread.sleep(2 * TimeUnit.NANOSECONDS.toMillis(RingboltMetrics.MAX_SNAPSHOT_AGE_NS)); // let the cached snapshot expire
            assertThat(registry.get("ringbolt.http.requests").tags("method", "GET", "status_class", "2xx")
                    .functionCounter().count()).isEqualTo(2.0);
            assertThat(registry.get("ringbolt.http.requests").tags("method", "GET", "status_class", "4xx")
                    .functionCounter().count()).isEqualTo(1.0);
            FunctionTimer timer = registry.get("ringbolt.http.request.duration").functionTimer();
            assertThat(timer.count()).isEqualTo(3.0);
            await("the connections closed", () -> engine.metrics().get(Counter.CONNECTIONS_OPEN) == 0);
            Thread.sleep(2 * TimeUnit.NANOSECONDS.toMillis(RingboltMetrics.MAX_SNAPSHOT_AGE_NS));
            assertThat(registry.get("ringbolt.connections.accepted").functionCounter().count()).isEqualTo(3.0);
            assertThat(registry.get("ringbolt.connections.open").gauge().value()).isZero();
            double closed = 0;
            for (FunctionCounter fc : registry.get("ringbolt.connections.closed").functionCounters()) {
                closed += fc.count();
            }
            assertThat(closed).isEqualTo(3.0);
            assertThat(registry.get("ringbolt.bytes.received").functionCounter().count()).isPositive();
            String loop = backend == Backend.IO_URING ? "ringbolt.uring.enter.calls" : "ringbolt.nio.selects";
            assertThat(registry.get(loop).functionCounter().count()).isPositive();
            Gauge inFlight = registry.get("ringbolt.http.requests.in.flight").gauge();
            assertThat(inFlight.value()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void aPrometheusRegistryGetsPrefixedNamesAndRealHistogramBuckets(Backend backend) throws Exception {
        HttpServer http = server();
        try (Engine engine = start(backend, http)) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            RingboltMetrics.of(engine, http).bindTo(registry);
            get(engine.port(), "/ok");
            await("one request", () -> http.metrics().requests() == 1);
            Thread.sleep(2 * TimeUnit.NANOSECONDS.toMillis(RingboltMetrics.MAX_SNAPSHOT_AGE_NS));
            String text = registry.scrape();
            assertThat(text).contains("# TYPE ringbolt_connections_open gauge")
                    .contains("ringbolt_http_requests_total{method=\"GET\",status_class=\"2xx\"} 1.0")
                    .contains("# TYPE ringbolt_http_request_duration_seconds histogram")
                    .contains("ringbolt_http_request_duration_seconds_bucket{le=\"+Inf\"} 1")
                    .contains("ringbolt_http_request_duration_seconds_count 1")
                    .contains("ringbolt_connections_accepted_total 1.0");
            // Cumulative: every finite bucket of a 1-request histogram holds 0 or 1, and never decreases.
            long previous = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("ringbolt_http_request_duration_seconds_bucket")) {
                    long v = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                    assertThat(v).isBetween(previous, 1L);
                    previous = v;
                }
            }
            assertThat(previous).isEqualTo(1);
        }
    }
}
