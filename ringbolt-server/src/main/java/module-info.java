/** The Ringbolt command-line app: {@code serve} (HTTP demo and benchmark endpoints) and {@code echo}. */
module io.ringbolt.server {
    requires io.ringbolt.core;
    requires io.ringbolt.http;
    requires info.picocli;
    requires java.logging;
    requires com.fasterxml.jackson.databind;
    requires com.aayushatharva.brotli4j;
    requires redis.clients.jedis;
    opens io.ringbolt.server to info.picocli;
}
