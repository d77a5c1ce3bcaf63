package io.ringbolt.server;

import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code --metrics on|off} for {@code serve}: on (the default), the HTTP server records every
 * request (method × status class, duration histogram, in-flight) and {@code GET /metrics}
 * serves them with the engine's counters; off, neither (the engine's per-reactor counters are
 * kept: they are plain stores the engine needs anyway).
 */
final class MetricsFlags {
    @Option(names = "--metrics", paramLabel = "on|off",
            description = "Per-request HTTP metrics and GET /metrics (Prometheus text); off skips the recording "
                    + "and the endpoint (default: ${DEFAULT-VALUE}).",
            defaultValue = "on")
    String metrics;

    /** Whether metrics are on; rejects anything but on and off. */
    boolean enabled() {
        return switch (metrics.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("metrics=" + metrics + " (expected on or off)");
        };
    }
}
