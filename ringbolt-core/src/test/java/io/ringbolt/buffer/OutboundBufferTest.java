package io.ringbolt.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class OutboundBufferTest {
    private static final int CHUNK = 1024;
    private final ChunkPool pool = new ChunkPool(CHUNK, 8);
    private final OutboundBuffer out = new OutboundBuffer(pool);

    @AfterEach
    void close() {
        pool.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The staged bytes as seen through the NIO view. */
    private byte[] viaNio() {
        ByteBuffer[] bufs = new ByteBuffer[64];
        int n = out.fillNioBuffers(bufs);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[bufs[i].remaining()];
            bufs[i].duplicate().get(b);
            all.writeBytes(b);
        }
        return all.toByteArray();
    }

    @Test
    void writeAcrossChunkBoundariesKeepsBytesInOrder() {
        byte[] data = bytes(CHUNK * 2 + 300, 1);
        out.write(data, 0, 700);
        out.write(data, 700, data.length - 700);
        assertThat(out.readableBytes()).isEqualTo(data.length);
        assertThat(pool.inUse()).isEqualTo(3);
        assertThat(viaNio()).isEqualTo(data);
        assertThat(out.head().readableBytes()).isEqualTo(CHUNK);
    }

    @Test
    void consumeAcrossChunksReturnsEmptiedChunksToThePool() {
        byte[] data = bytes(CHUNK * 3, 2);
        out.write(data, 0, data.length);
        out.consume(CHUNK + 10);
        assertThat(out.readableBytes()).isEqualTo(2L * CHUNK - 10);
        assertThat(pool.inUse()).as("first chunk went back").isEqualTo(2);
        assertThat(viaNio()).isEqualTo(Arrays.copyOfRange(data, CHUNK + 10, data.length));
        out.consume(out.readableBytes());
        assertThat(out.isEmpty()).isTrue();
        assertThat(out.head()).isNull();
        assertThat(pool.inUse()).isZero();
        // Usable again after draining.
        out.write(new byte[] {7}, 0, 1);
        assertThat(viaNio()).containsExactly(7);
    }

    @Test
    void consumeRejectsMoreThanStaged() {
        out.write(new byte[10], 0, 10);
        assertThatThrownBy(() -> out.consume(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> out.consume(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.readableBytes()).isEqualTo(10);
    }

    @Test
    void iovecsDescribeTheStagedBytes() {
        byte[] data = bytes(CHUNK * 2 + 5, 3);
        out.write(data, 0, data.length);
        out.consume(3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(16 * 8, 8);
            int n = out.fillIovecs(iov, 8);
            assertThat(n).isEqualTo(3);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                long base = iov.get(ValueLayout.JAVA_LONG, i * 16L);
                long len = iov.get(ValueLayout.JAVA_LONG, i * 16L + 8);
                // The iovec points into pool chunks that live until pool.close(); len is what
                // the buffer just reported, so the reinterpreted size is exact.
                all.writeBytes(MemorySegment.ofAddress(base).reinterpret(len).toArray(ValueLayout.JAVA_BYTE));
            }
            assertThat(all.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 3, data.length));
            assertThat(out.fillIovecs(iov, 2)).as("limited by maxCount").isEqualTo(2);
        }
    }

    @Test
    void nioViewIsLimitedByTheArrayLength() {
        out.write(bytes(CHUNK * 3, 4), 0, CHUNK * 3);
        ByteBuffer[] two = new ByteBuffer[2];
        assertThat(out.fillNioBuffers(two)).isEqualTo(2);
        assertThat(two[0].remaining() + two[1].remaining()).isEqualTo(2 * CHUNK);
    }

    @Test
    void writesFromHeapDirectAndSegmentSources() {
        byte[] data = bytes(3000, 5);
        ByteBuffer heap = ByteBuffer.wrap(data, 0, 1000);
        ByteBuffer direct = ByteBuffer.allocateDirect(1000).put(data, 1000, 1000).flip();
        out.write(heap);
        out.write(direct);
        assertThat(heap.hasRemaining()).isFalse();
        assertThat(direct.hasRemaining()).isFalse();
        out.write(MemorySegment.ofArray(data), 2000, 1000);
        assertThat(viaNio()).isEqualTo(data);
    }

    @Test
    void writesOnlyTheRemainingBytesOfABuffer() {
        byte[] data = bytes(100, 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(200).put(data);
        direct.position(10).limit(60);
        ByteBuffer heap = ByteBuffer.wrap(new byte[300], 50, 100).slice().put(data).position(60).limit(100);
        out.write(direct);
        out.write(heap);
        assertThat(direct.position()).isEqualTo(60);
        assertThat(heap.position()).isEqualTo(100);
        byte[] expected = new byte[90];
        System.arraycopy(data, 10, expected, 0, 50);
        System.arraycopy(data, 60, expected, 50, 40);
        assertThat(viaNio()).isEqualTo(expected);
    }

    @Test
    void growsFarPastOneChunkAndReleaseReturnsEverything() {
        byte[] data = bytes(CHUNK * 50 + 1, 6);
        out.write(data, 0, data.length);
        assertThat(pool.inUse()).isEqualTo(51);
        assertThat(viaNio()).isEqualTo(data);
        out.release();
        assertThat(out.readableBytes()).isZero();
        assertThat(pool.inUse()).isZero();
    }
}
