package io.ringbolt.engine.nio;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.Transport;
import io.ringbolt.engine.runtime.TransportServer;

import java.io.IOException;

/** The NIO backend (placeholder until the reactor lands). */
public final class NioTransport implements Transport {
    @Override
    public Backend backend() {
        return Backend.NIO;
    }

    @Override
    public String unavailabilityCause(EngineConfig config) {
        return "the NIO backend is not built yet";
    }

    @Override
    public String features() {
        return "none";
    }

    @Override
    public TransportServer start(EngineConfig config, HandlerFactory handlerFactory) throws IOException {
        throw new IOException("NIO backend not built yet");
    }
}
