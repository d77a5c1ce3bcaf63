package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The app's loopback suite on the NIO backend. */
class NioServeIntegrationTest extends ServeIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
