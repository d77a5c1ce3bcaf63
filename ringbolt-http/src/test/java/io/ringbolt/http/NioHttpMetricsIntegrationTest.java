package io.ringbolt.http;

import io.ringbolt.engine.Backend;

/** HTTP metrics on the NIO backend. */
class NioHttpMetricsIntegrationTest extends HttpMetricsIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
