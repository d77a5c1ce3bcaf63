package io.ringbolt.server;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The readiness drain of {@code serve}: how long to keep serving after SIGTERM with /health/ready at 503. */
final class HealthFlags {
    @Option(names = "--drain-delay",
            description = "On SIGINT/SIGTERM, /health/ready turns 503 at once and the server keeps serving normally this "
                    + "long before it stops accepting and drains (--shutdown-grace); set it to the balancer's probe "
                    + "interval times its failure threshold, e.g. 5s, 0 = stop at once (default: ${DEFAULT-VALUE}).",
            defaultValue = "0s")
    String drainDelay;

    Duration drainDelay() {
        Duration d = EngineOptions.parseDuration("drain-delay", drainDelay);
        if (d.isNegative()) {
            throw new IllegalArgumentException("drain-delay=" + drainDelay + " (expected 0 or more, e.g. 5s)");
        }
        return d;
    }
}
