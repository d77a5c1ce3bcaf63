package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The WebSocket client suite on the IoUring backend. */
class IoUringWebSocketClientIntegrationTest extends WebSocketClientIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
