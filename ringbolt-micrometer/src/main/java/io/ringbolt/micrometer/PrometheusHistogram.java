package io.ringbolt.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.ringbolt.http.HttpMetrics;

import java.util.function.Supplier;

/**
 * The request-duration histogram as a Prometheus classic histogram with the server's own
 * buckets. Micrometer has no meter that exports buckets counted elsewhere, so on a
 * {@code PrometheusMeterRegistry} a collector is added to its underlying Prometheus registry;
 * the names of the Prometheus classes appear only in {@link Collector}, loaded only when the
 * optional Prometheus registry is on the class path.
 */
final class PrometheusHistogram {
    static final String NAME = "ringbolt_http_request_duration_seconds";
    private static final String REGISTRY_CLASS = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

    private PrometheusHistogram() {
    }

    static boolean supports(MeterRegistry registry) {
        for (Class<?> c = registry.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(REGISTRY_CLASS)) {
                return true;
            }
        }
        return false;
    }

    static void register(MeterRegistry registry, Supplier<HttpMetrics> source, Tags tags) {
        Collector.register(registry, source, tags);
    }

    /** Touches the Prometheus classes; loaded only after {@link #supports} said yes. */
    private static final class Collector implements io.prometheus.metrics.model.registry.Collector {
        private final Supplier<HttpMetrics> source;
        private final io.prometheus.metrics.model.snapshots.Labels labels;
        private final double[] bounds;

        private Collector(Supplier<HttpMetrics> source, Tags tags) {
            this.source = source;
            io.prometheus.metrics.model.snapshots.Labels l = io.prometheus.metrics.model.snapshots.Labels.EMPTY;
            for (Tag t : tags) {
                l = l.add(t.getKey(), t.getValue());
            }
            this.labels = l;
            double[] finite = HttpMetrics.bucketBoundsSeconds();
            bounds = java.util.Arrays.copyOf(finite, finite.length + 1);
            bounds[finite.length] = Double.POSITIVE_INFINITY;
        }

        static void register(MeterRegistry registry, Supplier<HttpMetrics> source, Tags tags) {
            ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) registry).getPrometheusRegistry()
                    .register(new Collector(source, tags));
        }

        @Override
        public String getPrometheusName() {
            return NAME;
        }

        @Override
        public io.prometheus.metrics.model.snapshots.MetricSnapshot collect() {
            HttpMetrics m = source.get();
            long[] counts = new long[bounds.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = m.bucketCount(i);
            }
            return io.prometheus.metrics.model.snapshots.HistogramSnapshot.builder()
                    .name(NAME)
                    .help("HTTP request duration in seconds, head parsed to response handed to the connection")
                    .dataPoint(io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets.of(bounds, counts))
                            .sum(m.durationSumNanos() / 1e9)
                            .labels(labels)
                            .build())
                    .build();
        }
    }
}
