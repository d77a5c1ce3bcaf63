package io.ringbolt.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.EngineMetrics;
import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpMetrics;
import io.ringbolt.http.HttpServer;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds every engine {@link Counter} and, when an {@link HttpServer} is given, its
 * {@link HttpMetrics} to a Micrometer {@link MeterRegistry}. Meter names start with
 * {@code ringbolt.}, so Prometheus names start with {@code ringbolt_}:
 * <ul>
 *   <li>{@code ringbolt.connections.open} (gauge), {@code ringbolt.connections.closed} (tag
 *       {@code reason}), and one function counter per other {@link Counter}, named after it
 *       ({@code BYTES_RECEIVED} becomes {@code ringbolt.bytes.received});</li>
 *   <li>{@code ringbolt.http.requests} (tags {@code method}, {@code status_class} = 1xx..5xx),
 *       {@code ringbolt.http.rejections} (tags {@code kind}, {@code status}),
 *       {@code ringbolt.http.requests.in.flight} (gauge);</li>
 *   <li>{@code ringbolt.http.request.duration}: on a Prometheus registry a classic histogram
 *       {@code ringbolt_http_request_duration_seconds} with the server's fixed buckets
 *       ({@link HttpMetrics#bucketBoundsSeconds()}); elsewhere a function timer (count and total).</li>
 * </ul>
 * Meters read a snapshot taken at most {@link #MAX_SNAPSHOT_AGE_NS} ago, so one scrape costs one
 * snapshot of each source, not one per meter. Nothing is recorded on the request path: the
 * values are the engine's own per-reactor counters, read when the registry asks.
 */
public final class RingboltMetrics implements MeterBinder {
    /** How long one snapshot serves the meters read in one scrape. */
    public static final long MAX_SNAPSHOT_AGE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Supplier<EngineMetrics> engineSource;
    private final Supplier<HttpMetrics> httpSource;
    private final Tags tags;

    private final Object lock = new Object();
    private long takenNs;
    private boolean taken;
    private EngineMetrics engine;
    private HttpMetrics http;

    /**
     * @param engineSource snapshots of the engine's counters, e.g. {@code engine::metrics}
     * @param httpSource   snapshots of the HTTP metrics, e.g. {@code server::metrics}, or null for none
     * @param tags         tags added to every meter (to tell several engines apart), may be empty
     */
    public RingboltMetrics(Supplier<EngineMetrics> engineSource, Supplier<HttpMetrics> httpSource, Iterable<Tag> tags) {
        this.engineSource = Objects.requireNonNull(engineSource, "engineSource");
        this.httpSource = httpSource;
        this.tags = Tags.of(tags);
    }

    /** The engine's counters only. */
    public static RingboltMetrics of(Engine engine) {
        return new RingboltMetrics(engine::metrics, null, Tags.empty());
    }

    /** The engine's counters and the HTTP server's metrics. */
    public static RingboltMetrics of(Engine engine, HttpServer server) {
        return new RingboltMetrics(engine::metrics, server::metrics, Tags.empty());
    }

    private void refresh() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (!taken || now - takenNs > MAX_SNAPSHOT_AGE_NS) {
                engine = engineSource.get();
                http = httpSource == null ? null : httpSource.get();
                takenNs = now;
                taken = true;
            }
        }
    }

    EngineMetrics engine() {
        refresh();
        synchronized (lock) {
            return engine;
        }
    }

    HttpMetrics http() {
        refresh();
        synchronized (lock) {
            return http;
        }
    }

    /** The Micrometer name of an engine counter: {@code BYTES_RECEIVED} is {@code ringbolt.bytes.received}. */
    public static String meterName(Counter c) {
        return "ringbolt." + c.name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Counter c : Counter.values()) {
            if (c == Counter.CONNECTIONS_OPEN) {
                // Strong: this gauge keeps the binder alive; the other meters hold it weakly.
                Gauge.builder(meterName(c), this, m -> m.engine().get(Counter.CONNECTIONS_OPEN))
                        .description(c.description()).tags(tags).strongReference(true).register(registry);
            } else if (c == Counter.CONNECTIONS_CLOSED) {
                for (CloseReason r : CloseReason.values()) {
                    FunctionCounter.builder(meterName(c), this, m -> m.engine().closed(r))
                            .description("Connections closed since start, by reason")
                            .tags(tags).tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry);
                }
            } else if (c.isGauge()) {
                Gauge.builder(meterName(c), this, m -> m.engine().get(c)).description(c.description())
                        .tags(tags).register(registry);
            } else {
                FunctionCounter.builder(meterName(c), this, m -> m.engine().get(c)).description(c.description())
                        .tags(tags).register(registry);
            }
        }
        if (httpSource != null) {
            bindHttp(registry);
        }
    }

    private void bindHttp(MeterRegistry registry) {
        for (HttpMethod method : HttpMethod.values()) {
            for (int cls = 1; cls <= 5; cls++) {
                int statusClass = cls;
                counter(registry, "ringbolt.http.requests", "HTTP requests finished, by method and status class",
                        m -> m.http().requests(method, statusClass),
                        Tags.of("method", method.name(), "status_class", statusClass + "xx"));
            }
        }
        for (HttpMetrics.Rejection kind : HttpMetrics.Rejection.values()) {
            counter(registry, "ringbolt.http.rejections",
                    "Requests the server answered itself with an error (malformed, too large, timed out ...)",
                    m -> m.http().rejections(kind),
                    Tags.of("kind", kind.name().toLowerCase(Locale.ROOT),
                            "status", kind.status() == 0 ? "other" : Integer.toString(kind.status())));
        }
        Gauge.builder("ringbolt.http.requests.in.flight", this, m -> m.http().inFlight())
                .description("HTTP/1.1 requests whose head was parsed and whose response is not finished")
                .tags(tags).register(registry);
        if (PrometheusHistogram.supports(registry)) {
            PrometheusHistogram.register(registry, this::http, tags);
        } else {
            FunctionTimer.builder("ringbolt.http.request.duration", this,
                            m -> m.http().durationCount(), m -> m.http().durationSumNanos(), TimeUnit.NANOSECONDS)
                    .description("HTTP request duration, head parsed to response handed to the connection")
                    .tags(tags).register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<RingboltMetrics> f,
                         Tags extra) {
        FunctionCounter.builder(name, this, f).description(help).tags(tags.and(extra)).register(registry);
    }
}
