package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The large-static-file loopback suite on NIO. */
class NioLargeStaticFilesIntegrationTest extends LargeStaticFilesIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
