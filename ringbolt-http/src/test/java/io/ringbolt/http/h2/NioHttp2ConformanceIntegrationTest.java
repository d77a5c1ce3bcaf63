package io.ringbolt.http.h2;

import io.ringbolt.engine.Backend;

/** The HTTP/2 frame-level conformance suite on the java.nio backend. */
class NioHttp2ConformanceIntegrationTest extends Http2ConformanceSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
