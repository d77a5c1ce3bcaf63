package io.ringbolt.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.HttpResponse;
import io.ringbolt.http.HttpServer;
import io.ringbolt.micrometer.RingboltMetrics;

/**
 * {@code GET /metrics}: the engine's and the HTTP server's counters in the Prometheus text
 * format, through Micrometer's Prometheus registry. The route exists before the engine starts;
 * {@link #bind} connects the meters once it has.
 */
final class MetricsEndpoint {
    /** The Prometheus text exposition format, version 0.0.4. */
    static final ContentType PROMETHEUS_TEXT = ContentType.of("text/plain; version=0.0.4; charset=utf-8");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Binds the started engine's and its HTTP server's counters. Once. */
    void bind(Engine engine, HttpServer server) {
        RingboltMetrics.of(engine, server).bindTo(registry);
    }

    /** The registry the meters live in (an app may add its own). */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    void handle(HttpRequest req, HttpResponse res) {
        res.contentType(PROMETHEUS_TEXT).send(registry.scrape());
    }
}
