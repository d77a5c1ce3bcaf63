package io.ringbolt.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EngineMetricsTest {
    @Test
    void theBuilderSumsAndTheSnapshotIsImmutable() {
        EngineMetrics.Builder b = EngineMetrics.builder()
                .add(Counter.BYTES_SENT, 5).add(Counter.BYTES_SENT, 7)
                .addClosed(CloseReason.RESET, 2).addClosed(CloseReason.RESET, 1);
        EngineMetrics m = b.build();
        b.add(Counter.BYTES_SENT, 100);
        assertThat(m.get(Counter.BYTES_SENT)).isEqualTo(12);
        assertThat(m.closed(CloseReason.RESET)).isEqualTo(3);
        assertThat(m.get(Counter.BYTES_RECEIVED)).isZero();
        assertThat(m).isEqualTo(EngineMetrics.builder().add(Counter.BYTES_SENT, 12).addClosed(CloseReason.RESET, 3).build());
        assertThat(m.toString()).contains("bytes_sent=12").contains("reset=3");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedStatsViewMapsEachField() {
        EngineMetrics.Builder b = EngineMetrics.builder();
        Counter[] order = {Counter.CONNECTIONS_OPEN, Counter.CONNECTIONS_ACCEPTED, Counter.CONNECTIONS_CLOSED,
                Counter.CONNECTIONS_REJECTED, Counter.HANDLER_ERRORS, Counter.BYTES_RECEIVED, Counter.BYTES_SENT,
                Counter.CONNECTIONS_CONNECTED, Counter.CONNECT_FAILED};
        for (int i = 0; i < order.length; i++) {
            b.add(order[i], i + 1);
        }
        assertThat(EngineStats.of(b.build())).isEqualTo(new EngineStats(1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    @Test
    void onlyOpenConnectionsIsAGauge() {
        for (Counter c : Counter.values()) {
            assertThat(c.isGauge()).as(c.name()).isEqualTo(c == Counter.CONNECTIONS_OPEN);
            assertThat(c.description()).isNotBlank();
        }
    }
}
