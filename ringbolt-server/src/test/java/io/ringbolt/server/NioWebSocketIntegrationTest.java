package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The WebSocket loopback suite on the NIO backend. */
class NioWebSocketIntegrationTest extends WebSocketIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
