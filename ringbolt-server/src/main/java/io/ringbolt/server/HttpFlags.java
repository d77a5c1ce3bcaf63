package io.ringbolt.server;

import io.ringbolt.http.HttpOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Flags of the HTTP layer and the demo app for {@code serve}. */
final class HttpFlags {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "HttpArena data directory with dataset.json and static/ (default: ../shared/arena-data "
                    + "from the working directory or the repository root, when present).")
    Path dataDir;

    @Option(names = "--max-target-bytes", description = "Longest request-target; longer gets 414 (default: ${DEFAULT-VALUE}).",
            defaultValue = "8192")
    int maxTargetBytes;

    @Option(names = "--max-head-bytes", description = "Largest request head; larger gets 431 (default: ${DEFAULT-VALUE}).",
            defaultValue = "16384")
    int maxHeadBytes;

    @Option(names = "--max-headers", description = "Most header fields; more gets 431 (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int maxHeaders;

    @Option(names = "--max-body-bytes", description = "Largest buffered request body; larger gets 413 (default: ${DEFAULT-VALUE}).",
            defaultValue = "8388608")
    long maxBodyBytes;

    @Option(names = "--max-upload-bytes", description = "Largest body POST /upload streams; larger gets 413 (default: ${DEFAULT-VALUE}).",
            defaultValue = "1073741824")
    long maxUploadBytes;

    @Option(names = "--header-timeout", description = "Time to receive a request head (slowloris guard), e.g. 10s (default: ${DEFAULT-VALUE}).",
            defaultValue = "10s")
    String headerTimeout;

    @Option(names = "--keepalive-timeout", description = "Idle time before a keep-alive connection is closed, e.g. 30s (default: ${DEFAULT-VALUE}).",
            defaultValue = "30s")
    String keepAliveTimeout;

    @Option(names = "--body-timeout", description = "Most time to receive a request body, however fast it comes, e.g. 300s; then 408 (default: ${DEFAULT-VALUE}).",
            defaultValue = "300s")
    String bodyTimeout;

    @Option(names = "--body-min-rate", paramLabel = "BYTES_PER_S",
            description = "Rate a request body must average once --body-rate-grace has passed; slower gets 408, 0 = off (default: ${DEFAULT-VALUE}).",
            defaultValue = "1024")
    long bodyMinRate;

    @Option(names = "--body-rate-grace", description = "Time a request body may take before --body-min-rate applies, e.g. 10s (default: ${DEFAULT-VALUE}).",
            defaultValue = "10s")
    String bodyRateGrace;

    @Option(names = "--server-name", description = "Value of the Server field; empty for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "ringbolt")
    String serverName;

    HttpOptions options() {
        return HttpOptions.defaults()
                .withMaxTargetBytes(maxTargetBytes)
                .withMaxHeadBytes(maxHeadBytes)
                .withMaxHeaderCount(maxHeaders)
                .withMaxBodyBytes(maxBodyBytes)
                .withHeaderTimeout(EngineOptions.parseDuration("header-timeout", headerTimeout))
                .withKeepAliveTimeout(EngineOptions.parseDuration("keepalive-timeout", keepAliveTimeout))
                .withBodyTimeout(EngineOptions.parseDuration("body-timeout", bodyTimeout))
                .withBodyMinRate(bodyMinRate, EngineOptions.parseDuration("body-rate-grace", bodyRateGrace))
                .withServerName(serverName == null || serverName.isEmpty() ? null : serverName);
    }
}
