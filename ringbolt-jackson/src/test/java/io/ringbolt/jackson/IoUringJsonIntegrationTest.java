package io.ringbolt.jackson;

import io.ringbolt.engine.Backend;

/** JSON over loopback on the io_uring backend. */
class IoUringJsonIntegrationTest extends JsonIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
