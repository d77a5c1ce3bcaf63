package io.ringbolt.engine.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundChunkTest {
    private final ConnectionStream owner = new ConnectionStream(StreamOptions.defaults());

    @Test
    void smallWritesGatherUntilTheReactorTakesTheChunk() {
        OutboundChunk chunk = new OutboundChunk(owner, 8);
        assertThat(chunk.fill(new byte[] {1, 2}, 0, 2)).isEqualTo(2);
        assertThat(chunk.append(new byte[] {3, 4, 5}, 0, 3)).isEqualTo(3);
        assertThat(chunk.take()).isEqualTo(5);
        assertThat(chunk.bytes).startsWith(1, 2, 3, 4, 5);
        assertThat(chunk.append(new byte[] {6}, 0, 1)).as("after the take").isZero();
    }

    @Test
    void aFullChunkTakesNoMore() {
        OutboundChunk chunk = new OutboundChunk(owner, 4);
        assertThat(chunk.fill(new byte[10], 0, 10)).isEqualTo(4);
        assertThat(chunk.append(new byte[1], 0, 1)).isZero();
        assertThat(chunk.take()).isEqualTo(4);
    }

    @Test
    void refillAfterTakeStartsOver() {
        OutboundChunk chunk = new OutboundChunk(owner, 4);
        chunk.fill(new byte[] {1, 2, 3}, 0, 3);
        chunk.take();
        assertThat(chunk.fill(new byte[] {9}, 0, 1)).isEqualTo(1);
        assertThat(chunk.append(new byte[] {8}, 0, 1)).isEqualTo(1);
        assertThat(chunk.take()).isEqualTo(2);
        assertThat(chunk.bytes).startsWith(9, 8);
    }
}
