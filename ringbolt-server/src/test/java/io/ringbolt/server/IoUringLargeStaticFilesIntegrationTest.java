package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The large-static-file loopback suite on io_uring (skipped where the kernel does not allow it). */
class IoUringLargeStaticFilesIntegrationTest extends LargeStaticFilesIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
