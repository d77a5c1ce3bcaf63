package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The resilience attacks on Nio (skipped where the backend is unavailable). */
class NioResilienceIntegrationTest extends ResilienceIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
