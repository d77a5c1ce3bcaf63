package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The HTTP/2 loopback suite on java.nio. */
class NioHttp2IntegrationTest extends Http2IntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
