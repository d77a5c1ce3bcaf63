package io.ringbolt.engine.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamOptionsTest {

    @Test
    void defaultsAreValid() {
        StreamOptions o = StreamOptions.defaults();
        assertThat(o.receiveWindowBytes()).isEqualTo(64 * 1024);
        assertThat(o.readTimeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> StreamOptions.defaults().withReceiveLimits(3000, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("receive-window-bytes=3000");
        assertThatThrownBy(() -> StreamOptions.defaults().withReceiveLimits(4096, -1))
                .hasMessageStartingWith("max-kept-input-bytes=-1");
        assertThatThrownBy(() -> StreamOptions.defaults().withWriteChunks(512, 2))
                .hasMessageStartingWith("write-chunk-bytes=512");
        assertThatThrownBy(() -> StreamOptions.defaults().withWriteChunks(4096, 0))
                .hasMessageStartingWith("max-queued-write-chunks=0");
        assertThatThrownBy(() -> StreamOptions.defaults().withReadTimeout(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("read-timeout=");
        assertThatThrownBy(() -> StreamOptions.defaults().withWriteTimeout(null))
                .hasMessageStartingWith("write-timeout=null");
    }
}
