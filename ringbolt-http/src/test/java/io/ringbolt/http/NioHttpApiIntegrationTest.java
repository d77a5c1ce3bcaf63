package io.ringbolt.http;

import io.ringbolt.engine.Backend;

/** Errors in the chain and completion listeners on the NIO backend. */
class NioHttpApiIntegrationTest extends HttpApiIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
