package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The static-file loopback suite on the NIO backend. */
class NioStaticFilesIntegrationTest extends StaticFilesIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
