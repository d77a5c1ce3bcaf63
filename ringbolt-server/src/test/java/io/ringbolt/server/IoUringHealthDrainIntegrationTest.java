package io.ringbolt.server;

import io.ringbolt.engine.Backend;

/** Health probes, drain delay and rolling restart on the io_uring backend. */
class IoUringHealthDrainIntegrationTest extends HealthDrainIntegrationSuite {
    @Override
    Backend backend() {
        return Backend.IO_URING;
    }
}
