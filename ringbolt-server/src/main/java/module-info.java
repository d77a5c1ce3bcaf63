/** The Ringbolt command-line app: {@code serve} (HTTP demo and benchmark endpoints) and {@code echo}. */
module io.ringbolt.server {
    requires io.ringbolt.core;
    requires io.ringbolt.http;
    requires io.ringbolt.micrometer;
    requires micrometer.registry.prometheus;
    requires info.picocli;
    requires java.logging;
    requires com.fasterxml.jackson.databind;
    requires com.aayushatharva.brotli4j;
    opens io.ringbolt.server to info.picocli;
}
