package io.ringbolt.http;

import io.ringbolt.engine.Backend;

/** HTTP metrics on the IO_URING backend. */
class IoUringHttpMetricsIntegrationTest extends HttpMetricsIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
