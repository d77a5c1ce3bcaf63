package io.ringbolt.server;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Engine;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Engine flags shared by every subcommand. */
final class EngineOptions {
    @Option(names = "--host", description = "Address to bind; 0.0.0.0 for all interfaces (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--reactors", description = "Reactor threads (default: available processors).")
    Integer reactors;

    @Option(names = "--backend", description = "io_uring, nio or auto (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
    String backend;

    @Option(names = "--accept-mode", description = "reuseport or acceptor (default: ${DEFAULT-VALUE}).", defaultValue = "reuseport")
    String acceptMode;

    @Option(names = "--share-port", description = "Let other processes started with --share-port listen on the same port "
            + "(SO_REUSEPORT), e.g. for a zero-downtime restart; without it, starting on a port another socket listens on fails.")
    boolean sharePort;

    @Option(names = "--ring-entries", description = "io_uring submission queue entries per reactor (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int ringEntries;

    @Option(names = "--buffer-size", description = "Receive buffer size in bytes (default: ${DEFAULT-VALUE}).", defaultValue = "16384")
    int bufferSize;

    @Option(names = "--buffer-count", description = "Receive buffers per reactor, a power of 2 (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int bufferCount;

    @Option(names = "--max-connections", description = "Connections per reactor (default: ${DEFAULT-VALUE}).", defaultValue = "65536")
    int maxConnections;

    @Option(names = "--idle-timeout", description = "Close connections idle this long, e.g. 60s, 0 = never (default: ${DEFAULT-VALUE}).", defaultValue = "0s")
    String idleTimeout;

    @Option(names = "--write-timeout", description = "Abort a connection whose pending output made no progress this long (the client stopped reading), e.g. 60s, 0 = never (default: ${DEFAULT-VALUE}).", defaultValue = "60s")
    String writeTimeout;

    @Option(names = "--shutdown-grace", description = "On SIGINT/SIGTERM, time to let in-flight requests finish, e.g. 10s (default: ${DEFAULT-VALUE}).", defaultValue = "10s")
    String shutdownGrace;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "Bytes of unhandled input (request bodies, kept input) all connections may hold at once, "
                    + "e.g. 256m or 2g; past it new bodies get 503 and bodies under way pause (default: a quarter of the "
                    + "maximum heap).")
    String memoryBudget;

    @Option(names = "--log-level", description = "error, warning, info, debug (default: ${DEFAULT-VALUE}).", defaultValue = "info")
    String logLevel;

    Engine.Builder builder() {
        Engine.Builder b = Engine.builder()
                .bind(host, port)
                .backend(Backend.parse(backend))
                .acceptMode(AcceptMode.parse(acceptMode))
                .shareListenPort(sharePort)
                .ringEntries(ringEntries)
                .bufferSize(bufferSize)
                .bufferCount(bufferCount)
                .maxConnectionsPerReactor(maxConnections)
                .idleTimeout(parseDuration("idle-timeout", idleTimeout))
                .writeTimeout(parseDuration("write-timeout", writeTimeout))
                .shutdownGrace(parseDuration("shutdown-grace", shutdownGrace));
        if (reactors != null) {
            b.reactors(reactors);
        }
        if (memoryBudget != null) {
            b.memoryBudgetBytes(parseSize("memory-budget", memoryBudget));
        }
        return b;
    }

    /** Parses 65536, 64k, 256m or 2g (powers of 1024). */
    static long parseSize(String key, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long value = Long.parseLong(t);
            if (value <= 0 || value > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return value * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " (expected a positive size, e.g. 65536, 64k, 256m, 2g)");
        }
    }

    /** Parses 500ms, 30s, 5m or a bare number of seconds. */
    static Duration parseDuration(String key, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " (expected e.g. 500ms, 30s, 5m)");
        }
    }
}
