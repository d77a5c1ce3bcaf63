package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The outgoing-fragments WebSocket suite on the io_uring backend. */
class IoUringWebSocketFragmentedSendIntegrationTest extends WebSocketFragmentedSendIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
