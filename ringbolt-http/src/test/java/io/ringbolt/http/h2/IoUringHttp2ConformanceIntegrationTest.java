package io.ringbolt.http.h2;

import io.ringbolt.engine.Backend;

/** The HTTP/2 frame-level conformance suite on io_uring (skipped where the kernel does not allow it). */
class IoUringHttp2ConformanceIntegrationTest extends Http2ConformanceSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
