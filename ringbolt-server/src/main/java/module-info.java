/** The Ringbolt command-line app. */
module io.ringbolt.server {
    requires io.ringbolt.core;
    requires info.picocli;
    requires java.logging;
    opens io.ringbolt.server to info.picocli;
}
