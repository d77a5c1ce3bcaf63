package io.ringbolt.engine.stream;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Payloads;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InboundRingTest {

    @Test
    void takesOnlyWhatFitsAndReportsIt() {
        InboundRing ring = new InboundRing(1024);
        assertThat(ring.offer(ByteView.of(new byte[1000]))).isEqualTo(1000);
        assertThat(ring.offer(ByteView.of(new byte[100]))).isEqualTo(24);
        assertThat(ring.free()).isZero();
        assertThat(ring.offer(ByteView.of(new byte[1]))).isZero();
        assertThat(ring.available()).isEqualTo(1024);
    }

    @Test
    void bytesComeOutInOrderAcrossTheWrap() {
        InboundRing ring = new InboundRing(1024);
        byte[] first = Payloads.random(1000, 1);
        byte[] second = Payloads.random(600, 2);
        ring.offer(ByteView.of(first));
        byte[] out = new byte[2000];
        assertThat(ring.poll(out, 0, 900)).isEqualTo(900);
        assertThat(ring.offer(ByteView.of(second))).isEqualTo(600); // 100 at the end, 500 wrapped to the start
        assertThat(ring.poll(out, 900, 2000 - 900)).isEqualTo(700);
        byte[] expected = new byte[1600];
        System.arraycopy(first, 0, expected, 0, 1000);
        System.arraycopy(second, 0, expected, 1000, 600);
        assertThat(java.util.Arrays.copyOf(out, 1600)).isEqualTo(expected);
        assertThat(ring.poll(out, 0, 10)).as("empty").isZero();
    }

    @Test
    void emptyRingHoldsNoArray() {
        InboundRing ring = new InboundRing(1 << 20);
        assertThat(ring.poll(new byte[8], 0, 8)).isZero();
        assertThat(ring.available()).isZero();
        assertThat(ring.free()).isEqualTo(1 << 20);
    }

    /** Any interleaving of offers and polls of any sizes yields the offered bytes, in order, none twice. */
    @Property(tries = 200)
    void anySequenceOfOffersAndPollsPreservesTheStream(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3000) Integer> steps) {
        InboundRing ring = new InboundRing(2048);
        Payloads.Stream source = new Payloads.Stream(9);
        ByteArrayOutputStream offered = new ByteArrayOutputStream();
        ByteArrayOutputStream polled = new ByteArrayOutputStream();
        byte[] pending = new byte[0];
        for (int i = 0; i < steps.size(); i++) {
            int size = steps.get(i);
            if (i % 2 == 0) {
                if (pending.length == 0) {
                    pending = new byte[size];
                    source.next(pending, 0, size);
                }
                int taken = ring.offer(ByteView.of(pending));
                offered.write(pending, 0, taken);
                pending = java.util.Arrays.copyOfRange(pending, taken, pending.length); // the rest stays with "the engine"
            } else {
                byte[] out = new byte[size];
                int n = ring.poll(out, 0, size);
                polled.write(out, 0, n);
            }
        }
        byte[] rest = new byte[ring.available()];
        ring.poll(rest, 0, rest.length);
        polled.write(rest, 0, rest.length);
        assertThat(polled.toByteArray()).isEqualTo(offered.toByteArray());
    }
}
