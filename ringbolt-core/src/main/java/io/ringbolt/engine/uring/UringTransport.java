package io.ringbolt.engine.uring;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.Transport;
import io.ringbolt.engine.runtime.TransportServer;

import java.io.IOException;

/** The io_uring backend (placeholder until the reactor lands). */
public final class UringTransport implements Transport {
    @Override
    public Backend backend() {
        return Backend.IO_URING;
    }

    @Override
    public String unavailabilityCause(EngineConfig config) {
        return "the io_uring backend is not built yet";
    }

    @Override
    public String features() {
        return "none";
    }

    @Override
    public TransportServer start(EngineConfig config, HandlerFactory handlerFactory) throws IOException {
        throw new IOException("io_uring backend not built yet");
    }
}
