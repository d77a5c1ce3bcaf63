/**
 * Ringbolt's HTTP/1.1 server: a strict zero-copy codec, router with middleware, static files,
 * compression and virtual-thread dispatch for blocking handlers, on the Ringbolt engine.
 * JDK only.
 */
module io.ringbolt.http {
    requires transitive io.ringbolt.core;

    exports io.ringbolt.http;
    exports io.ringbolt.http.codec;
    exports io.ringbolt.http.files;
    exports io.ringbolt.http.json;
    exports io.ringbolt.http.websocket;
}
