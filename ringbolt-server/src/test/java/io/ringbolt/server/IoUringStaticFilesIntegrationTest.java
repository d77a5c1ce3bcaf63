package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The static-file loopback suite on io_uring (skipped where the kernel does not allow it). */
class IoUringStaticFilesIntegrationTest extends StaticFilesIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
