package io.ringbolt.http.websocket;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses whole messages for permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE, each message
 * ended with a sync flush whose trailing {@code 00 00 FF FF} is removed. Keeps its context
 * between messages unless told to reset. Owns native memory: {@link #close()} it. Not
 * thread-safe.
 */
public final class MessageDeflater {
    private static final int MAX_RETAINED_BYTES = 256 * 1024;
    private final Deflater deflater;
    private final boolean noContextTakeover;
    private byte[] out = new byte[4096];
    private int outLength;

    /**
     * @param level             compression level 0..9 ({@link Deflater#DEFAULT_COMPRESSION} too)
     * @param noContextTakeover reset after every message
     */
    public MessageDeflater(int level, boolean noContextTakeover) {
        this.deflater = new Deflater(level, true);
        this.noContextTakeover = noContextTakeover;
    }

    /**
     * Compresses one message.
     *
     * @return the compressed length; the bytes are {@link #output()}[0, length) until the next call
     */
    public int compress(byte[] src, int offset, int length) {
        return compressFragment(src, offset, length, true);
    }

    /**
     * Compresses one piece of a message that is sent in fragments. Every piece is sync-flushed,
     * so its frame carries all of its data (a streaming receiver can inflate it at once); only
     * the message's last piece loses the trailing {@code 00 00 FF FF} (RFC 7692 §7.2.1), and only
     * after it is the context reset for no-context-takeover. The concatenated output of the
     * pieces is one valid compressed message.
     *
     * @param last true for the message's final piece
     * @return the compressed length; the bytes are {@link #output()}[0, length) until the next call
     */
    public int compressFragment(byte[] src, int offset, int length, boolean last) {
        deflater.setInput(src, offset, length);
        outLength = 0;
        while (true) {
            if (outLength == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            int n = deflater.deflate(out, outLength, out.length - outLength, Deflater.SYNC_FLUSH);
            outLength += n;
            if (outLength < out.length && deflater.needsInput()) {
                break;
            }
        }
        if (!last) {
            return outLength;
        }
        if (noContextTakeover) {
            deflater.reset();
        }
        // A sync flush ends with an empty stored block 00 00 FF FF, which the receiver adds back.
        if (outLength >= 4 && out[outLength - 4] == 0 && out[outLength - 3] == 0 && out[outLength - 2] == (byte) 0xFF
                && out[outLength - 1] == (byte) 0xFF) {
            outLength -= 4;
        } else if (outLength == 0) {
            // Nothing new since the last flush (zlib writes no second empty block): the receiver's
            // 00 00 FF FF then needs the header byte of an empty stored block in front (RFC 7692 §7.2.3.6).
            out[0] = 0;
            outLength = 1;
        }
        return outLength;
    }

    /** The buffer holding the last compressed message. */
    public byte[] output() {
        return out;
    }

    /** Drops a buffer grown past 256 KiB by one big message. */
    void trim() {
        if (out.length > MAX_RETAINED_BYTES) {
            out = new byte[4096];
        }
    }

    /** Releases the native compressor. */
    public void close() {
        deflater.end();
    }
}
