package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The HTTP/2 client matrix and request-body suite on NIO. */
class NioHttp2ClientsIntegrationTest extends Http2ClientsIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
