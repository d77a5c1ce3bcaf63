package io.ringbolt.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The health state machine: forward only. The probes over real sockets are tested in ringbolt-server. */
class HealthTest {
    @Test
    void startsNotReadyThenReadyThenDrainingThenStopped() {
        Health h = new Health();
        assertThat(h.state()).isEqualTo(Health.State.STARTING);
        assertThat(h.ready()).isTrue();
        assertThat(h.state()).isEqualTo(Health.State.READY);
        assertThat(h.drain()).isTrue();
        assertThat(h.state()).isEqualTo(Health.State.DRAINING);
        assertThat(h.ready()).as("a draining process never turns ready again").isFalse();
        assertThat(h.drain()).isFalse();
        h.stopped();
        assertThat(h.state()).isEqualTo(Health.State.STOPPED);
        assertThat(h.drain()).isFalse();
        assertThat(h.ready()).isFalse();
        assertThat(h.state()).isEqualTo(Health.State.STOPPED);
    }

    @Test
    void aProcessStoppedWhileStartingDrainsWithoutEverBeingReady() {
        Health h = new Health();
        assertThat(h.drain()).isTrue();
        assertThat(h.ready()).isFalse();
        assertThat(h.state()).isEqualTo(Health.State.DRAINING);
    }
}
