package io.ringbolt.http.websocket;

/**
 * Writes RFC 6455 §5.2 frame headers, for either side: a server sends unmasked frames, a client
 * masks each with a fresh key ({@link #mask}). Stateless; the caller writes the payload after
 * the header.
 */
public final class FrameEncoder {
    /** Opcodes (RFC 6455 §5.2). */
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    /** RSV1, which permessage-deflate uses to mark a compressed message (RFC 7692 §6). */
    public static final int RSV1 = 0x4;
    /** Longest frame header: 2 + 8 length bytes + 4 mask bytes. */
    public static final int MAX_HEADER_BYTES = 14;
    /** Largest payload of a control frame (RFC 6455 §5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    private FrameEncoder() {
    }

    /** True for close, ping and pong (opcodes 0x8–0xF). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /**
     * Writes a frame header into {@code dst} from {@code offset}.
     *
     * @param rsv     RSV bits as in the first byte's bits 6..4 ({@link #RSV1} = 4)
     * @param masked  whether a mask key follows ({@code maskKey} is then written)
     * @return header length in bytes (2 to {@link #MAX_HEADER_BYTES})
     */
    public static int writeHeader(byte[] dst, int offset, boolean fin, int rsv, int opcode, long payloadLength,
                                  boolean masked, int maskKey) {
        int p = offset;
        dst[p++] = (byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126) {
            dst[p++] = (byte) (maskBit | payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst[p++] = (byte) (maskBit | 126);
            dst[p++] = (byte) (payloadLength >>> 8);
            dst[p++] = (byte) payloadLength;
        } else {
            dst[p++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[p++] = (byte) (payloadLength >>> shift);
            }
        }
        if (masked) {
            dst[p++] = (byte) (maskKey >>> 24);
            dst[p++] = (byte) (maskKey >>> 16);
            dst[p++] = (byte) (maskKey >>> 8);
            dst[p++] = (byte) maskKey;
        }
        return p - offset;
    }

    /** XORs {@code length} bytes of {@code b} with {@code maskKey}, the first byte at mask position 0. */
    public static void mask(byte[] b, int offset, int length, int maskKey) {
        for (int i = 0; i < length; i++) {
            b[offset + i] ^= (byte) (maskKey >>> (24 - 8 * (i & 3)));
        }
    }
}
