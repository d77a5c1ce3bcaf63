package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ByteViewTest {
    private static final byte[] TEXT = "xxGET /index HTTP/1.1\r\nyy".getBytes(StandardCharsets.US_ASCII);

    /** A view of the middle of a bigger segment: neighbours exist on both sides. */
    private static ByteView middle() {
        return new ByteView().wrap(MemorySegment.ofArray(TEXT), 2, TEXT.length - 4);
    }

    @Test
    void indexesAreRelativeToTheView() {
        ByteView v = middle();
        assertThat(v.length()).isEqualTo(TEXT.length - 4);
        assertThat(v.get(0)).isEqualTo((byte) 'G');
        assertThat(v.getUnsigned(v.length() - 1)).isEqualTo('\n');
        assertThat(v.indexOf((byte) ' ', 0, v.length())).isEqualTo(3);
        assertThat(v.indexOf((byte) 'z', 0, v.length())).isEqualTo(-1);
        assertThat(v.toLatin1String(0, 3)).isEqualTo("GET");
        assertThat(v.regionMatches(4, "/index".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(v.segmentOffset()).isEqualTo(2);
    }

    @Test
    void readsOutsideTheViewThrowInsteadOfSeeingNeighbours() {
        ByteView v = middle();
        assertThatThrownBy(() -> v.get(v.length())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.indexOf((byte) 'y', 0, v.length() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.indexOf((byte) 'y', 5, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.toByteArray(0, v.length() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.copyTo(1, new byte[100], 0, v.length())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.copyTo(0, new byte[3], 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(v.regionMatches(v.length() - 1, "\nyy".getBytes(StandardCharsets.US_ASCII)))
                .as("match running past the end").isFalse();
        assertThat(v.regionMatches(-1, new byte[] {'x'})).isFalse();
    }

    @Test
    void wrapAndFactoriesCheckTheirBounds() {
        MemorySegment seg = MemorySegment.ofArray(new byte[10]);
        assertThatThrownBy(() -> new ByteView().wrap(seg, 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new ByteView().wrap(seg, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteView.of(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(ByteView.of(new byte[4], 1, 3).length()).isEqualTo(3);
        assertThat(new ByteView().isEmpty()).isTrue();
        assertThatThrownBy(() -> new ByteView().get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void copiesOnlyTheViewedBytes() {
        ByteView v = ByteView.of(TEXT, 2, 3);
        assertThat(v.toByteArray()).containsExactly('G', 'E', 'T');
        byte[] dst = new byte[5];
        v.copyTo(1, dst, 2, 2);
        assertThat(dst).containsExactly(0, 0, 'E', 'T', 0);
        MemorySegment seg = MemorySegment.ofArray(new byte[3]);
        v.copyTo(0, seg, 0, 3);
        assertThat(seg.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsExactly('G', 'E', 'T');
        assertThat(v.toString(0, 3, StandardCharsets.UTF_8)).isEqualTo("GET");
    }
}
