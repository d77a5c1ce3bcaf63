package io.ringbolt.http.websocket;

import io.ringbolt.engine.ByteView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {

    /** Records what the decoder reports. */
    static class Recorder implements FrameDecoder.Listener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();

        @Override
        public int onFrameHeader(boolean fin, int rsv, int opcode, long payloadLength) {
            events.add("header fin=" + fin + " rsv=" + rsv + " op=" + opcode + " len=" + payloadLength);
            return FrameDecoder.CONTINUE;
        }

        @Override
        public int onPayload(byte[] chunk, int offset, int length) {
            payload.write(chunk, offset, length);
            return FrameDecoder.CONTINUE;
        }

        @Override
        public int onFrameEnd() {
            events.add("end");
            return FrameDecoder.CONTINUE;
        }
    }

    static byte[] clientFrame(boolean fin, int opcode, byte[] payload, int maskKey) {
        byte[] header = new byte[FrameEncoder.MAX_HEADER_BYTES];
        int h = FrameEncoder.writeHeader(header, 0, fin, 0, opcode, payload.length, true, maskKey);
        byte[] masked = payload.clone();
        FrameEncoder.mask(masked, 0, masked.length, maskKey);
        byte[] frame = Arrays.copyOf(header, h + masked.length);
        System.arraycopy(masked, 0, frame, h, masked.length);
        return frame;
    }

    /** Feeds {@code wire} in pieces of the given sizes, keeping unconsumed bytes as the engine does. */
    static Recorder feed(FrameDecoder d, byte[] wire, int[] pieces) {
        Recorder r = new Recorder();
        byte[] kept = new byte[0];
        int pos = 0;
        for (int i = 0; pos < wire.length; i++) {
            int n = Math.min(pieces[i % pieces.length], wire.length - pos);
            byte[] input = Arrays.copyOf(kept, kept.length + n);
            System.arraycopy(wire, pos, input, kept.length, n);
            pos += n;
            int used = d.decode(ByteView.of(input), r);
            kept = Arrays.copyOfRange(input, used, input.length);
        }
        assertThat(kept).isEmpty();
        return r;
    }

    @Test
    void anySplitGivesTheSameFramesAndUnmaskedPayload() {
        Random random = new Random(6455);
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70_000}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] wire = clientFrame(true, FrameEncoder.BINARY, payload, random.nextInt());
            for (int[] pieces : new int[][] {{wire.length}, {1}, {3, 7}, {13, 4096}}) {
                Recorder r = feed(new FrameDecoder(true), wire, pieces);
                assertThat(r.events).containsExactly("header fin=true rsv=0 op=2 len=" + length, "end");
                assertThat(r.payload.toByteArray()).isEqualTo(payload);
            }
        }
    }

    @Test
    void aServerRefusesUnmaskedFramesAndAClientMaskedOnes() {
        byte[] unmasked = {(byte) 0x81, 0x01, 'x'};
        FrameDecoder server = new FrameDecoder(true);
        server.decode(ByteView.of(unmasked), new Recorder());
        assertThat(server.isFailed()).isTrue();
        assertThat(server.failureCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);

        FrameDecoder client = new FrameDecoder(false);
        Recorder r = new Recorder();
        client.decode(ByteView.of(unmasked), r);
        assertThat(client.isFailed()).isFalse();
        assertThat(r.payload.toString()).isEqualTo("x");
        client = new FrameDecoder(false);
        client.decode(ByteView.of(clientFrame(true, 1, new byte[] {'x'}, 42)), new Recorder());
        assertThat(client.isFailed()).isTrue();
    }

    @Test
    void a64BitLengthWithTheTopBitSetIsAProtocolError() {
        byte[] wire = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        FrameDecoder d = new FrameDecoder(true);
        d.decode(ByteView.of(wire), new Recorder());
        assertThat(d.isFailed()).isTrue();
        assertThat(d.failureCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }

    @Test
    void aListenerCanPauseBetweenFramesAndResumeWhereItStopped() {
        byte[] a = clientFrame(true, 1, "one".getBytes(), 7);
        byte[] b = clientFrame(true, 1, "two".getBytes(), 9);
        byte[] wire = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, wire, a.length, b.length);
        Recorder r = new Recorder() {
            @Override
            public int onFrameEnd() {
                super.onFrameEnd();
                return FrameDecoder.PAUSE;
            }
        };
        FrameDecoder d = new FrameDecoder(true);
        int used = d.decode(ByteView.of(wire), r);
        assertThat(used).isEqualTo(a.length);
        used += d.decode(ByteView.of(Arrays.copyOfRange(wire, used, wire.length)), r);
        assertThat(used).isEqualTo(wire.length);
        assertThat(r.payload.toString()).isEqualTo("onetwo");
    }
}
