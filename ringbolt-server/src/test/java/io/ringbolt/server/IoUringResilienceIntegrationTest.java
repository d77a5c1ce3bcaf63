package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The resilience attacks on io_uring (skipped where the backend is unavailable). */
class IoUringResilienceIntegrationTest extends ResilienceIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
