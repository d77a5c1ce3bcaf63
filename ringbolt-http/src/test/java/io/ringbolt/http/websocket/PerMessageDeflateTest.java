package io.ringbolt.http.websocket;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PerMessageDeflateTest {

    private static String answer(String... offers) {
        PerMessageDeflate p = PerMessageDeflate.negotiate(List.of(offers), false);
        return p == null ? null : p.responseHeaderValue();
    }

    @Test
    void negotiatesTheFirstOfferItCanHonour() {
        assertThat(answer("permessage-deflate")).isEqualTo("permessage-deflate");
        assertThat(answer("permessage-deflate; client_max_window_bits")).isEqualTo("permessage-deflate");
        assertThat(answer("permessage-deflate; client_max_window_bits=9")).isEqualTo("permessage-deflate");
        assertThat(answer("permessage-deflate; server_no_context_takeover; client_no_context_takeover"))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(answer("permessage-deflate; server_max_window_bits=15"))
                .isEqualTo("permessage-deflate; server_max_window_bits=15");
        assertThat(answer("permessage-deflate; server_max_window_bits=\"9\""))
                .isEqualTo("permessage-deflate; server_no_context_takeover; server_max_window_bits=9");
        assertThat(answer("x-webkit-deflate-frame", "permessage-deflate; unknown=1, permessage-deflate; client_no_context_takeover"))
                .isEqualTo("permessage-deflate; client_no_context_takeover");
        assertThat(PerMessageDeflate.negotiate(List.of("permessage-deflate"), true).responseHeaderValue())
                .isEqualTo("permessage-deflate; server_no_context_takeover");
    }

    @Test
    void declinesMalformedOffers() {
        assertThat(answer("permessage-deflate; server_max_window_bits")).isNull();
        assertThat(answer("permessage-deflate; server_max_window_bits=7")).isNull();
        assertThat(answer("permessage-deflate; server_max_window_bits=16")).isNull();
        assertThat(answer("permessage-deflate; server_max_window_bits=010")).isNull();
        assertThat(answer("permessage-deflate; client_max_window_bits=1a")).isNull();
        assertThat(answer("permessage-deflate; server_no_context_takeover; server_no_context_takeover")).isNull();
        assertThat(answer("permessage-deflate; server_no_context_takeover=1")).isNull();
        assertThat(answer("deflate-stream")).isNull();
    }

    @Test
    void messagesRoundTripWithAndWithoutContextTakeover() {
        Random r = new Random(7692);
        for (boolean reset : new boolean[] {false, true}) {
            MessageDeflater deflater = new MessageDeflater(6, reset);
            MessageInflater inflater = new MessageInflater(reset);
            for (int i = 0; i < 20; i++) {
                byte[] msg = ("message " + i + " ").repeat(1 + r.nextInt(500)).getBytes();
                int n = deflater.compress(msg, 0, msg.length);
                byte[] z = java.util.Arrays.copyOf(deflater.output(), n);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                MessageInflater.Sink sink = (b, off, len) -> {
                    out.write(b, off, len);
                    return FrameDecoder.CONTINUE;
                };
                int split = r.nextInt(z.length + 1);
                assertThat(inflater.inflate(z, 0, split, sink)).isZero();
                assertThat(inflater.inflate(z, split, z.length - split, sink)).isZero();
                assertThat(inflater.finish(sink)).isZero();
                assertThat(out.toByteArray()).isEqualTo(msg);
            }
            deflater.close();
            inflater.close();
        }
    }

    /** Pieces of fragmented messages, each inflated as its frame arrives, give back the messages, context kept or reset. */
    @Test
    void fragmentedMessagesRoundTripPieceByPiece() {
        Random r = new Random(5_4);
        for (boolean reset : new boolean[] {false, true}) {
            MessageDeflater deflater = new MessageDeflater(6, reset);
            MessageInflater inflater = new MessageInflater(reset);
            for (int i = 0; i < 10; i++) {
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                MessageInflater.Sink sink = (b, off, len) -> {
                    out.write(b, off, len);
                    return FrameDecoder.CONTINUE;
                };
                int pieces = 1 + r.nextInt(5);
                for (int p = 0; p < pieces; p++) {
                    byte[] piece = p == pieces - 1 && i % 3 == 0 ? new byte[0] : ("piece " + i + "." + p + " ").repeat(r.nextInt(300)).getBytes();
                    sent.writeBytes(piece);
                    boolean last = p == pieces - 1;
                    int n = deflater.compressFragment(piece, 0, piece.length, last);
                    byte[] z = java.util.Arrays.copyOf(deflater.output(), n);
                    assertThat(inflater.inflate(z, 0, z.length, sink)).isZero();
                    if (!last) {
                        // Sync-flushed: everything sent so far is readable before the message ends.
                        assertThat(out.toByteArray()).isEqualTo(sent.toByteArray());
                    }
                }
                assertThat(inflater.finish(sink)).isZero();
                assertThat(out.toByteArray()).isEqualTo(sent.toByteArray());
            }
            deflater.close();
            inflater.close();
        }
    }

    /** With context takeover an empty message right after another compresses to nothing new: it must still inflate. */
    @Test
    void anEmptyMessageAfterAnotherRoundTrips() {
        MessageDeflater deflater = new MessageDeflater(6, false);
        MessageInflater inflater = new MessageInflater(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageInflater.Sink sink = (b, off, len) -> {
            out.write(b, off, len);
            return FrameDecoder.CONTINUE;
        };
        for (String message : new String[] {"first", "", "", "last"}) {
            out.reset();
            byte[] m = message.getBytes();
            int n = deflater.compress(m, 0, m.length);
            assertThat(n).as("a compressed message is never empty").isPositive();
            assertThat(inflater.inflate(java.util.Arrays.copyOf(deflater.output(), n), 0, n, sink)).isZero();
            assertThat(inflater.finish(sink)).isZero();
            assertThat(out.toString()).isEqualTo(message);
        }
        deflater.close();
        inflater.close();
    }

    @Test
    void aBombIsStoppedAtTheLimitOneChunkAtATime() {
        MessageDeflater deflater = new MessageDeflater(9, false);
        byte[] zeros = new byte[32 << 20];
        int n = deflater.compress(zeros, 0, zeros.length);
        byte[] bomb = java.util.Arrays.copyOf(deflater.output(), n);
        assertThat(bomb.length).isLessThan(64 * 1024);
        long[] total = {0};
        int[] calls = {0};
        int limit = 1 << 20;
        MessageInflater inflater = new MessageInflater(false);
        int r = inflater.inflate(bomb, 0, bomb.length, (b, off, len) -> {
            assertThat(len).isLessThanOrEqualTo(MessageInflater.CHUNK_BYTES);
            calls[0]++;
            total[0] += len;
            return total[0] > limit ? CloseCodes.MESSAGE_TOO_BIG : FrameDecoder.CONTINUE;
        });
        assertThat(r).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        assertThat(total[0]).isLessThanOrEqualTo(limit + MessageInflater.CHUNK_BYTES);
        inflater.close();
        deflater.close();
    }

    @Test
    void garbageIsInvalidPayload() {
        MessageInflater inflater = new MessageInflater(false);
        byte[] junk = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertThat(inflater.inflate(junk, 0, junk.length, (b, off, len) -> FrameDecoder.CONTINUE))
                .isEqualTo(CloseCodes.INVALID_PAYLOAD);
        inflater.close();
    }
}
