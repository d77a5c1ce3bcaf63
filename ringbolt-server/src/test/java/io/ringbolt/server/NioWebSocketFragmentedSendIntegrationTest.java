package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** The outgoing-fragments WebSocket suite on the NIO backend. */
class NioWebSocketFragmentedSendIntegrationTest extends WebSocketFragmentedSendIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
