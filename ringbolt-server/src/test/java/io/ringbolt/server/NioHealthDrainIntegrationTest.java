package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** Health probes, drain delay and rolling restart on the Nio backend. */
class NioHealthDrainIntegrationTest extends HealthDrainIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
