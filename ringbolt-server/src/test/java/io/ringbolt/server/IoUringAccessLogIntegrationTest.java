package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The access log's loopback suite on io_uring. */
class IoUringAccessLogIntegrationTest extends AccessLogIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
