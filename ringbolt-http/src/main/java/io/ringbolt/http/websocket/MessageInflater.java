package io.ringbolt.http.websocket;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses permessage-deflate messages (RFC 7692 §7.2.2) as their frames arrive, in bounded
 * pieces: the output goes to a {@link Sink} one chunk at a time and the sink can stop it (a
 * message over its limit), so a small compressed payload that inflates to gigabytes costs one
 * chunk of memory and is stopped at the limit. Owns native memory: {@link #close()} it. Not
 * thread-safe.
 */
public final class MessageInflater {
    /** Largest piece of output handed to the sink at once. */
    public static final int CHUNK_BYTES = 16 * 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    /** Receives inflated bytes; returns {@link FrameDecoder#CONTINUE} or a close code to stop. */
    public interface Sink {
        int accept(byte[] chunk, int offset, int length);
    }

    private final Inflater inflater = new Inflater(true);
    private final boolean noContextTakeover;
    private final byte[] out = new byte[CHUNK_BYTES];

    /** @param noContextTakeover the peer resets its compressor per message, so this resets too */
    public MessageInflater(boolean noContextTakeover) {
        this.noContextTakeover = noContextTakeover;
    }

    /**
     * Inflates compressed payload bytes of the current message.
     *
     * @return {@link FrameDecoder#CONTINUE}, the sink's close code, or
     *     {@link CloseCodes#INVALID_PAYLOAD} for data that is not DEFLATE
     */
    public int inflate(byte[] src, int offset, int length, Sink sink) {
        inflater.setInput(src, offset, length);
        return drain(sink);
    }

    /** The message's last frame ended: adds the removed {@code 00 00 FF FF} and inflates the rest. */
    public int finish(Sink sink) {
        int r = inflate(TAIL, 0, TAIL.length, sink);
        if (noContextTakeover || inflater.finished()) {
            inflater.reset();
        }
        return r;
    }

    private int drain(Sink sink) {
        try {
            while (true) {
                int n = inflater.inflate(out, 0, out.length);
                if (n > 0) {
                    int r = sink.accept(out, 0, n);
                    if (r != FrameDecoder.CONTINUE) {
                        return r;
                    }
                    continue;
                }
                if (inflater.needsInput() || inflater.finished()) {
                    return FrameDecoder.CONTINUE;
                }
                if (inflater.needsDictionary()) {
                    return CloseCodes.INVALID_PAYLOAD;
                }
            }
        } catch (DataFormatException e) {
            return CloseCodes.INVALID_PAYLOAD;
        }
    }

    /** Releases the native decompressor. */
    public void close() {
        inflater.end();
    }
}
