package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The WebSocket client suite on the Nio backend. */
class NioWebSocketClientIntegrationTest extends WebSocketClientIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
