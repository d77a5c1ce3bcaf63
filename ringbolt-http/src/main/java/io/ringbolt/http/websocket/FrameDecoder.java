package io.ringbolt.http.websocket;

import io.ringbolt.engine.ByteView;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental RFC 6455 §5.2 frame parser for either side of a connection: a server requires
 * every frame to be masked, a client requires none to be. A frame header is parsed once it is
 * complete (up to 14 bytes; until then its bytes are left unconsumed); the payload is passed on
 * as it arrives, unmasked, in chunks of at most {@link #CHUNK_BYTES}, so a frame of any length
 * needs no more memory than one chunk here.
 *
 * <p>The decoder checks what the wire format alone decides (the mask bit, the 64-bit length's
 * top bit); the {@link Listener} decides everything that needs protocol state (opcodes, RSV
 * bits, fragmentation, limits) and can stop the decoder with a close code. Not thread-safe.
 */
public final class FrameDecoder {
    /** Largest payload chunk passed to {@link Listener#onPayload}. */
    public static final int CHUNK_BYTES = 16 * 1024;

    /** Listener results: go on, or stop after this call and report how far the input was used. */
    public static final int CONTINUE = 0, PAUSE = -1;

    /** Receives what the decoder finds. Each method returns CONTINUE, PAUSE or a close code (failure). */
    public interface Listener {
        /** A frame header: FIN, the three RSV bits as {@code rsv} (RSV1 = 4), opcode and payload length. */
        int onFrameHeader(boolean fin, int rsv, int opcode, long payloadLength);

        /** Unmasked payload bytes of the current frame; valid until the method returns. */
        int onPayload(byte[] chunk, int offset, int length);

        /** The current frame's payload is complete (called for empty payloads too). */
        int onFrameEnd();
    }

    private static final int HEADER = 0, PAYLOAD = 1, FAILED = 2;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final boolean requireMasked;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int state = HEADER;
    private long remaining;
    private int maskKey;
    private int maskIndex;
    private int failureCode;
    private String failureReason;

    /**
     * @param requireMasked true on a server (client frames must be masked, RFC 6455 §5.1),
     *                      false on a client (server frames must not be)
     */
    public FrameDecoder(boolean requireMasked) {
        this.requireMasked = requireMasked;
    }

    /**
     * Parses as much of {@code data} as possible.
     *
     * @return bytes consumed; after a failure ({@link #isFailed()}) the caller drops the rest
     */
    public int decode(ByteView data, Listener listener) {
        int length = data.length();
        int pos = 0;
        while (state != FAILED) {
            if (state == HEADER) {
                int headerBytes = headerLength(data, pos, length);
                if (headerBytes < 0) {
                    return pos;
                }
                int r = parseHeader(data, pos, listener);
                pos += headerBytes;
                if (r == PAUSE) {
                    return pos;
                }
                if (r != CONTINUE) {
                    return fail(r, null, length);
                }
            } else {
                if (remaining > 0 && pos == length) {
                    return pos;
                }
                int n = (int) Math.min(Math.min(remaining, length - pos), CHUNK_BYTES);
                int r = CONTINUE;
                if (n > 0) {
                    data.copyTo(pos, chunk, 0, n);
                    unmask(chunk, 0, n);
                    pos += n;
                    remaining -= n;
                    r = listener.onPayload(chunk, 0, n);
                }
                if (r == CONTINUE && remaining == 0) {
                    state = HEADER;
                    r = listener.onFrameEnd();
                }
                if (r == PAUSE) {
                    return pos;
                }
                if (r != CONTINUE) {
                    return fail(r, null, length);
                }
            }
        }
        return length;
    }

    /** The header's length if all of it is in {@code data} from {@code pos}, else -1. */
    private static int headerLength(ByteView data, int pos, int length) {
        if (length - pos < 2) {
            return -1;
        }
        int b1 = data.getUnsigned(pos + 1);
        int len7 = b1 & 0x7F;
        int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
        return length - pos >= n ? n : -1;
    }

    private int parseHeader(ByteView data, int pos, Listener listener) {
        int b0 = data.getUnsigned(pos);
        int b1 = data.getUnsigned(pos + 1);
        boolean masked = (b1 & 0x80) != 0;
        if (masked != requireMasked) {
            failureReason = masked ? "masked frame from the server" : "unmasked frame from the client";
            return CloseCodes.PROTOCOL_ERROR;
        }
        int p = pos + 2;
        long payloadLength = b1 & 0x7F;
        if (payloadLength == 126) {
            payloadLength = (data.getUnsigned(p) << 8) | data.getUnsigned(p + 1);
            p += 2;
        } else if (payloadLength == 127) {
            payloadLength = 0;
            for (int i = 0; i < 8; i++) {
                payloadLength = (payloadLength << 8) | data.getUnsigned(p + i);
            }
            p += 8;
            if (payloadLength < 0) {
                failureReason = "payload length with the most significant bit set";
                return CloseCodes.PROTOCOL_ERROR;
            }
        }
        maskKey = 0;
        if (masked) {
            maskKey = (data.getUnsigned(p) << 24) | (data.getUnsigned(p + 1) << 16) | (data.getUnsigned(p + 2) << 8)
                    | data.getUnsigned(p + 3);
        }
        maskIndex = 0;
        remaining = payloadLength;
        state = PAYLOAD;
        int r = listener.onFrameHeader((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0F, payloadLength);
        if (r == CONTINUE && payloadLength == 0) {
            state = HEADER;
            r = listener.onFrameEnd();
        }
        return r;
    }

    /** XORs with the mask eight bytes at a time; the key is rotated so it starts at the current mask position. */
    private void unmask(byte[] b, int offset, int length) {
        if (maskKey == 0) {
            return;
        }
        int key = Integer.rotateLeft(maskKey, 8 * maskIndex);
        long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(b, i, (long) LONGS.get(b, i) ^ key8);
        }
        for (int j = 0; i < end; i++, j++) {
            b[i] ^= (byte) (key >>> (24 - 8 * (j & 3)));
        }
        maskIndex = (maskIndex + length) & 3;
    }

    private int fail(int code, String reason, int length) {
        state = FAILED;
        failureCode = code;
        if (reason != null) {
            failureReason = reason;
        }
        return length;
    }

    /** True after a listener or the wire format failed the connection. */
    public boolean isFailed() {
        return state == FAILED;
    }

    /** The close code of the failure, or 0. */
    public int failureCode() {
        return failureCode;
    }

    /** Why the decoder itself failed, or null when a listener decided. */
    public String failureReason() {
        return failureReason;
    }
}
