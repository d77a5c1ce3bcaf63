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

    // The backend factory (engine.Transports) finds the backends as services, so that the engine
    // package names none of them (DESIGN §1: no package cycle).
    uses io.ringbolt.engine.Transport;
    provides io.ringbolt.engine.Transport with io.ringbolt.engine.uring.UringTransport, io.ringbolt.engine.nio.NioTransport;
}
