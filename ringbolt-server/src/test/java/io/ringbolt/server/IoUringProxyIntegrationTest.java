package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The TCP proxy's loopback suite on io_uring. */
class IoUringProxyIntegrationTest extends ProxyIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
