/** The Ringbolt command-line app: {@code serve} (HTTP demo and benchmark endpoints), {@code echo} and {@code proxy}. */
module io.ringbolt.server {
    requires io.ringbolt.core;
    requires io.ringbolt.http;
    // Optional like Jedis: Micrometer's jars are automatic modules, which a jlink image cannot
    // hold; the launcher resolves them (GET /metrics), the image serves without /metrics.
    requires static io.ringbolt.micrometer;
    requires static micrometer.registry.prometheus;
    requires info.picocli;
    requires java.logging;
    // sun.misc.Signal: SIGHUP reopens the access log (Sighup).
    requires jdk.unsupported;
    requires com.fasterxml.jackson.databind;
    requires com.aayushatharva.brotli4j;
    // Optional: only `serve --chat-redis` uses it, and a jlink image cannot hold an automatic module.
    requires static redis.clients.jedis;
    opens io.ringbolt.server to info.picocli;
}
