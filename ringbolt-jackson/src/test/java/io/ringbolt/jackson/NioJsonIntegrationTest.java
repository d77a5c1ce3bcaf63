package io.ringbolt.jackson;

import io.ringbolt.engine.Backend;

/** JSON over loopback on the NIO backend. */
class NioJsonIntegrationTest extends JsonIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
