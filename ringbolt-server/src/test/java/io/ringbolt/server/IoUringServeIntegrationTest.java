package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The app's loopback suite on io_uring (skipped where the kernel does not allow it). */
class IoUringServeIntegrationTest extends ServeIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
