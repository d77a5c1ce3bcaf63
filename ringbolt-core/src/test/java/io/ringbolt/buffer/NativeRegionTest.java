package io.ringbolt.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class NativeRegionTest {

    @Test
    void allocatesZeroedAlignedMemoryAndFreesItOnce() {
        NativeRegion r = NativeRegion.allocate(8192, 4096);
        assertThat(r.byteSize()).isEqualTo(8192);
        assertThat(r.segment().address() % 4096).isZero();
        assertThat(r.segment().get(ValueLayout.JAVA_BYTE, 8191)).isZero();
        r.close();
        r.close();
        assertThatThrownBy(() -> r.segment().get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }
}
