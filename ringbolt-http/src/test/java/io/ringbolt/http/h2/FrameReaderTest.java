package io.ringbolt.http.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringbolt.engine.ByteView;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** RFC 9113 §4 and §6: framing, and the checks that need no stream state. */
class FrameReaderTest {

    private static byte[] clientBytes(FrameWriter frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Frames.CLIENT_PREFACE);
        out.write(frames.array(), 0, frames.length());
        return out.toByteArray();
    }

    private static FrameWriter startedWith(Http2Settings settings) {
        FrameWriter w = new FrameWriter(64);
        w.settings(settings);
        return w;
    }

    private static FrameReader serverReader() {
        return new FrameReader(true, 16_384, 64 * 1024, 32);
    }

    private static List<String> readAll(byte[] bytes) throws Http2Exception {
        RecordingListener listener = new RecordingListener();
        FrameReader reader = serverReader();
        int consumed = reader.read(ByteView.of(bytes), 0, bytes.length, listener);
        assertThat(consumed).isEqualTo(bytes.length);
        return listener.frames;
    }

    private static byte[] sample() {
        FrameWriter w = startedWith(new Http2Settings().initialWindowSize(1 << 20).maxConcurrentStreams(100));
        w.settingsAck();
        w.ping(false, 0x0102030405060708L);
        w.windowUpdate(0, 1000);
        w.headers(1, new byte[] {(byte) 0x82, (byte) 0x84, (byte) 0x86}, 3, false, 16_384);
        byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
        w.data(1, body, 0, body.length, true);
        w.rstStream(3, Http2Error.CANCEL);
        w.goAway(1, Http2Error.NO_ERROR, "bye");
        return clientBytes(w);
    }

    @Test
    void framesRoundTripThroughWriterAndReader() throws Http2Exception {
        assertThat(readAll(sample())).containsExactly(
                "SETTINGS 3=100 4=1048576",
                "SETTINGS ACK",
                "PING 102030405060708",
                "WINDOW_UPDATE 0 1000",
                "HEADERS 1 828486",
                "DATA 1 hello END_STREAM fc=5",
                "RST_STREAM 3 8",
                "GOAWAY 1 0");
    }

    @Property(tries = 200)
    void anySplitGivesTheSameFrames(@ForAll @IntRange(min = 1, max = 40) int chunk) throws Http2Exception {
        byte[] all = sample();
        RecordingListener listener = new RecordingListener();
        FrameReader reader = serverReader();
        byte[] pending = new byte[0];
        for (int at = 0; at < all.length; at += chunk) {
            byte[] arrived = Arrays.copyOfRange(all, at, Math.min(all.length, at + chunk));
            byte[] input = new byte[pending.length + arrived.length];
            System.arraycopy(pending, 0, input, 0, pending.length);
            System.arraycopy(arrived, 0, input, pending.length, arrived.length);
            int consumed = reader.read(ByteView.of(input), 0, input.length, listener);
            pending = Arrays.copyOfRange(input, consumed, input.length);
        }
        assertThat(pending).isEmpty();
        assertThat(listener.frames).isEqualTo(readAll(all));
    }

    @Test
    void prefaceAndFirstSettingsAreRequired() {
        byte[] wrong = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> serverReader().read(ByteView.of(wrong), 0, wrong.length, new RecordingListener()))
                .hasMessageContaining("preface");
        FrameWriter w = new FrameWriter(64);
        w.ping(false, 1);
        assertThatThrownBy(() -> readAll(clientBytes(w))).hasMessageContaining("must be followed by SETTINGS");
    }

    @Test
    void headerBlocksSpanContinuationsAndNothingMayInterleave() throws Http2Exception {
        FrameWriter w = startedWith(new Http2Settings());
        byte[] block = new byte[40_000];
        Arrays.fill(block, (byte) 0x82);
        w.headers(5, block, block.length, true, 16_384);
        List<String> frames = readAll(clientBytes(w));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1)).startsWith("HEADERS 5 8282").endsWith(" END_STREAM").hasSize("HEADERS 5 ".length() + 80_000 + " END_STREAM".length());

        FrameWriter interleaved = startedWith(new Http2Settings());
        interleaved.header(1, Frames.HEADERS, 0, 1);
        interleaved.put(new byte[] {(byte) 0x82}, 0, 1);
        interleaved.ping(false, 7);
        assertThatThrownBy(() -> readAll(clientBytes(interleaved))).hasMessageContaining("inside the header block");

        FrameWriter orphan = startedWith(new Http2Settings());
        orphan.header(1, Frames.CONTINUATION, Frames.FLAG_END_HEADERS, 1);
        orphan.put(new byte[] {(byte) 0x82}, 0, 1);
        assertThatThrownBy(() -> readAll(clientBytes(orphan))).hasMessageContaining("without HEADERS");
    }

    @Test
    void continuationFloodsAreCut() {
        FrameWriter big = startedWith(new Http2Settings());
        big.header(0, Frames.HEADERS, 0, 1);
        for (int i = 0; i < 10; i++) {
            big.header(10_000, Frames.CONTINUATION, 0, 1);
            big.put(new byte[10_000], 0, 10_000);
        }
        assertThatThrownBy(() -> readAll(clientBytes(big)))
                .isInstanceOfSatisfying(Http2Exception.class, e -> assertThat(e.error()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM));
        FrameWriter empty = startedWith(new Http2Settings());
        empty.header(0, Frames.HEADERS, 0, 1);
        for (int i = 0; i < 1000; i++) {
            empty.header(0, Frames.CONTINUATION, 0, 1);
        }
        assertThatThrownBy(() -> readAll(clientBytes(empty)))
                .isInstanceOfSatisfying(Http2Exception.class, e -> assertThat(e.error()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM));
    }

    @Test
    void framesLargerThanOurMaxFrameSizeAreRejectedFromTheHeaderAlone() {
        FrameWriter w = startedWith(new Http2Settings());
        w.header(16_385, Frames.DATA, 0, 1);
        byte[] onlyTheHeader = clientBytes(w);
        assertThatThrownBy(() -> readAll(onlyTheHeader))
                .isInstanceOfSatisfying(Http2Exception.class, e -> assertThat(e.error()).isEqualTo(Http2Error.FRAME_SIZE_ERROR));
    }

    @Test
    void statelessChecksOfEachType() {
        assertError(w -> w.data(0, new byte[1], 0, 1, false), Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> {
            w.header(2, Frames.DATA, Frames.FLAG_PADDED, 1);
            w.put(new byte[] {2, 0}, 0, 2);
        }, Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> {
            w.header(4, Frames.PING, 0, 0);
            w.putInt(1);
        }, Http2Error.FRAME_SIZE_ERROR, true);
        assertError(w -> w.ping(false, 1L), null, false);
        assertError(w -> {
            w.header(8, Frames.PING, 0, 1);
            w.putInt(0);
            w.putInt(0);
        }, Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> {
            w.header(6, Frames.SETTINGS, Frames.FLAG_ACK, 0);
            w.put(new byte[6], 0, 6);
        }, Http2Error.FRAME_SIZE_ERROR, true);
        assertError(w -> {
            w.header(5, Frames.SETTINGS, 0, 0);
            w.put(new byte[5], 0, 5);
        }, Http2Error.FRAME_SIZE_ERROR, true);
        assertError(w -> w.windowUpdate(0, 0), Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> w.windowUpdate(3, 0), Http2Error.PROTOCOL_ERROR, false);
        assertError(w -> w.rstStream(0, Http2Error.CANCEL), Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> {
            w.header(5, Frames.PRIORITY, 0, 3);
            w.putInt(3);
            w.put(new byte[] {15}, 0, 1);
        }, Http2Error.PROTOCOL_ERROR, false);
        assertError(w -> {
            w.header(4, Frames.PRIORITY, 0, 3);
            w.putInt(1);
        }, Http2Error.FRAME_SIZE_ERROR, false);
        assertError(w -> {
            w.header(4, Frames.PUSH_PROMISE, Frames.FLAG_END_HEADERS, 1);
            w.putInt(2);
        }, Http2Error.PROTOCOL_ERROR, true);
        assertError(w -> {
            w.header(4, Frames.GOAWAY, 0, 0);
            w.putInt(0);
        }, Http2Error.FRAME_SIZE_ERROR, true);
    }

    @Test
    void unknownFrameTypesAndSettingsAreIgnored() throws Http2Exception {
        FrameWriter w = startedWith(new Http2Settings());
        w.header(3, 0x42, 0xff, 7);
        w.put(new byte[3], 0, 3);
        w.header(6, Frames.SETTINGS, 0, 0);
        w.put(new byte[] {0x12, 0x34, 0, 0, 0, 9}, 0, 6);
        assertThat(readAll(clientBytes(w))).containsExactly("SETTINGS", "SETTINGS 4660=9");
    }

    @Test
    void priorityIsParsedAndStrippedFromHeaders() throws Http2Exception {
        FrameWriter w = startedWith(new Http2Settings());
        w.header(6, Frames.HEADERS, Frames.FLAG_PRIORITY | Frames.FLAG_END_HEADERS, 3);
        w.putInt(0x8000_0001);
        w.put(new byte[] {15, (byte) 0x82}, 0, 2);
        w.header(5, Frames.PRIORITY, 0, 5);
        w.putInt(0x8000_0003);
        w.put(new byte[] {(byte) 255}, 0, 1);
        assertThat(readAll(clientBytes(w))).containsExactly("SETTINGS", "HEADERS 3 82", "PRIORITY 5 on 3 exclusive weight 256");
    }

    private interface Frame {
        void write(FrameWriter w);
    }

    private static void assertError(Frame frame, Http2Error expected, boolean connection) {
        FrameWriter w = startedWith(new Http2Settings());
        frame.write(w);
        byte[] bytes = clientBytes(w);
        if (expected == null) {
            try {
                readAll(bytes);
            } catch (Http2Exception e) {
                throw new AssertionError("unexpected " + e, e);
            }
            return;
        }
        assertThatThrownBy(() -> readAll(bytes)).isInstanceOfSatisfying(Http2Exception.class, e -> {
            assertThat(e.error()).isEqualTo(expected);
            assertThat(e.isConnectionError()).as(e.getMessage()).isEqualTo(connection);
        });
    }
}
