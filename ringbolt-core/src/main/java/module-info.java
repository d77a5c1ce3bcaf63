/**
 * Ringbolt's engine: reactors on io_uring (through FFM) or java.nio, behind one API.
 * Needs {@code --enable-native-access=io.ringbolt.core}.
 */
module io.ringbolt.core {
    exports io.ringbolt.engine;
    exports io.ringbolt.engine.tls;
    exports io.ringbolt.engine.stream;
    exports io.ringbolt.buffer;
    exports io.ringbolt.concurrent;
}
