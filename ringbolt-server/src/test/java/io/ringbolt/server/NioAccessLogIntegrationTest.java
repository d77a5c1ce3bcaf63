package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The access log's loopback suite on Nio. */
class NioAccessLogIntegrationTest extends AccessLogIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
