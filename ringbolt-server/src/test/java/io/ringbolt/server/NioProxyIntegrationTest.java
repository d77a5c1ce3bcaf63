package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The TCP proxy's loopback suite on NIO. */
class NioProxyIntegrationTest extends ProxyIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
