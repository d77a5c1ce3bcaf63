package io.ringbolt.http;

import io.ringbolt.engine.Backend;

/** Errors in the chain and completion listeners on the io_uring backend. */
class IoUringHttpApiIntegrationTest extends HttpApiIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
