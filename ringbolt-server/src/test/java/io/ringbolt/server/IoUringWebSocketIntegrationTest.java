package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The WebSocket loopback suite on the io_uring backend. */
class IoUringWebSocketIntegrationTest extends WebSocketIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
