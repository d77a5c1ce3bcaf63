/** Binds Ringbolt's engine and HTTP counters to a Micrometer {@code MeterRegistry}. */
module io.ringbolt.micrometer {
    requires transitive io.ringbolt.http;
    requires transitive micrometer.core;
    requires static micrometer.registry.prometheus;
    requires static io.prometheus.metrics.model;

    exports io.ringbolt.micrometer;
}
