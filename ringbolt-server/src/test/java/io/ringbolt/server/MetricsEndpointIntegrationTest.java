package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's {@code GET /metrics} on both backends, wired as {@code serve} wires it: Prometheus
 * text through Micrometer, with the engine's and the HTTP server's counters, accepted by
 * {@code promtool check metrics}.
 */
@Timeout(120)
class MetricsEndpointIntegrationTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A started app; closed by the caller. */
    private record App(Engine engine, HttpServer http) implements AutoCloseable {
        @Override
        public void close() {
            engine.close();
        }
    }

    @TempDir
    Path dataDir;

    private App start(Backend backend) throws IOException {
        ServeIntegrationSuite.writeDataset(dataDir);
        MetricsEndpoint metrics = new MetricsEndpoint();
        HttpServer http = HttpServer.create(DemoApp.router(ArenaData.load(dataDir), 1L << 20, new ChatRoom(), metrics), HttpOptions.defaults());
        try {
            Engine engine = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(http).start();
            metrics.bind(engine, http);
            return new App(engine, http);
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

    private HttpResponse<String> get(App app, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.engine().port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String scrapeAfterTraffic(App app) throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get(app, "/plaintext").statusCode()).isEqualTo(200);
        }
        assertThat(get(app, "/no-such-page").statusCode()).isEqualTo(404);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (app.http().metrics().requests() < 4) {
            assertThat(System.nanoTime() - deadline).as("waiting for the requests to be counted").isNegative();
            Thread.sleep(10);
        }
        Thread.sleep(250); // past the binder's snapshot cache (100 ms)
        HttpResponse<String> r = get(app, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return r.body();
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void metricsServesPrometheusTextWithEngineAndHttpCounters(Backend backend) throws Exception {
        try (App app = start(backend)) {
            String text = scrapeAfterTraffic(app);
            assertThat(text)
                    .contains("# TYPE ringbolt_connections_open gauge")
                    .contains("# TYPE ringbolt_http_requests_total counter")
                    .contains("ringbolt_http_requests_total{method=\"GET\",status_class=\"2xx\"} 3.0")
                    .contains("ringbolt_http_requests_total{method=\"GET\",status_class=\"4xx\"} 1.0")
                    .contains("# TYPE ringbolt_http_request_duration_seconds histogram")
                    .contains("ringbolt_http_request_duration_seconds_bucket{le=\"+Inf\"} 4")
                    .contains("ringbolt_http_requests_in_flight")
                    .contains("ringbolt_connections_closed_total{reason=\"peer_closed\"}")
                    .contains("ringbolt_bytes_received_total")
                    .contains(backend == Backend.IO_URING ? "ringbolt_uring_enter_calls_total" : "ringbolt_nio_selects_total");
            assertThat(text.lines().filter(l -> l.startsWith("ringbolt_connections_open ")).findFirst().orElseThrow())
                    .as("the scrape's own connection is open").isNotEqualTo("ringbolt_connections_open 0.0");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void promtoolAcceptsTheOutput(Backend backend) throws Exception {
        Processes.require("promtool", "prometheus");
        try (App app = start(backend)) {
            String text = scrapeAfterTraffic(app);
            Processes.Result r = Processes.run(List.of("promtool", "check", "metrics"), Duration.ofSeconds(60),
                    text.getBytes(StandardCharsets.UTF_8));
            assertThat(r.exitCode()).as("promtool check metrics: " + r.stdout() + r.stderr()).isZero();
        }
    }

    /** {@code serve --metrics on|off} as a process: off, no /metrics route; on (the default), the endpoint. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void serveMetricsOffHasNoEndpointAndOnHasIt(Backend backend) throws Exception {
        ServeIntegrationSuite.writeDataset(dataDir);
        for (String flag : List.of("off", "on")) {
            ServeProcess serve;
            try {
                serve = ServeProcess.start("--port", "0", "--backend", backend.name(), "--reactors", "1",
                        "--data-dir", dataDir.toString(), "--metrics", flag);
            } catch (AssertionError e) {
                if (String.valueOf(e.getMessage()).contains("unavailable")) {
                    Assumptions.abort("backend " + backend.displayName() + " unavailable here: " + e.getMessage());
                }
                throw e;
            }
            try (serve) {
                String base = "http://127.0.0.1:" + serve.port;
                assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/plaintext")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                HttpResponse<String> m = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (flag.equals("off")) {
                    assertThat(m.statusCode()).as(serve.output.toString()).isEqualTo(404);
                    assertThat(serve.output.toString()).contains("metrics off");
                } else {
                    assertThat(m.statusCode()).as(serve.output.toString()).isEqualTo(200);
                    assertThat(m.body()).contains("ringbolt_http_requests_total{method=\"GET\",status_class=\"2xx\"} 1.0");
                }
            }
        }
    }
}
