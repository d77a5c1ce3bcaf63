package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The HTTP/2 loopback suite on io_uring (skipped where the kernel does not allow it). */
class IoUringHttp2IntegrationTest extends Http2IntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
