package io.ringbolt.http.websocket;

import io.ringbolt.engine.Connection;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;

/**
 * The frames one WebSocket connection sends, on its reactor thread: whole messages (compressed
 * when permessage-deflate is on and the message is worth it), the fragments of a message sent
 * in pieces, control frames; unmasked for a server, masked with a fresh key per frame for a
 * client (RFC 6455 §5.3).
 *
 * <p>A fragmented message is open on the wire from its first frame to the one with FIN. A whole
 * message that arrives meanwhile (sent from another thread while fragments queued earlier were
 * still waiting for the reactor) is copied and held back until the last fragment went out, so
 * data frames never interleave (§5.4); control frames are written at once. With
 * permessage-deflate a fragmented message is compressed as one (RFC 7692 §6: RSV1 on the first
 * frame only) when the negotiated window is the full 32 KiB, else sent plain.
 *
 * <p>Reactor thread only. Callers check the connection's state and the outbound limit first
 * ({@link #isOverLimit()}); every method here writes and flushes.
 */
final class FrameWriter {
    private static final SecureRandom MASK_KEYS = new SecureRandom();

    private final Connection connection;
    private final WebSocketOptions options;
    private final PerMessageDeflate deflate;
    private final MessageDeflater deflater;
    private final boolean client;
    private final byte[] header = new byte[FrameEncoder.MAX_HEADER_BYTES];
    private byte[] maskScratch;

    /** The data message open on the wire: 0, TEXT or BINARY. */
    private int wireOpcode;
    private boolean wireCompressed;
    /** Whole messages held back while a fragmented one is open, each as [opcode, payload...]. */
    private ArrayDeque<byte[]> deferred;
    private long deferredBytes;

    /**
     * @param deflate  the negotiated permessage-deflate parameters, or null
     * @param deflater this side's compressor when {@code deflate} is set, else null; owned by the caller
     */
    FrameWriter(Connection connection, WebSocketOptions options, PerMessageDeflate deflate, MessageDeflater deflater,
                boolean client) {
        this.connection = connection;
        this.options = options;
        this.deflate = deflate;
        this.deflater = deflater;
        this.client = client;
    }

    /** True while unsent output, counting held-back messages, is above {@link WebSocketOptions#maxOutboundBytes()}. */
    boolean isOverLimit() {
        return connection.pendingWriteBytes() + deferredBytes > options.maxOutboundBytes();
    }

    /** Frames a whole data message (held back while a fragmented one is open). */
    boolean sendMessage(int opcode, byte[] payload, int offset, int length) {
        if (wireOpcode != 0) {
            defer(opcode, payload, offset, length);
            return true;
        }
        int rsv = 0;
        if (deflater != null && length >= options.compressionMinBytes() && length <= deflate.maxCompressedMessageBytes()) {
            length = deflater.compress(payload, offset, length);
            payload = deflater.output();
            offset = 0;
            rsv = FrameEncoder.RSV1;
        }
        boolean ok = writeFrame(true, opcode, rsv, payload, offset, length);
        if (deflater != null) {
            deflater.trim();
        }
        connection.flush();
        return ok;
    }

    /**
     * Frames one piece of a fragmented message: the message's opcode on the first frame,
     * continuation after, FIN on the last; then the messages held back meanwhile.
     */
    boolean sendFragment(int opcode, boolean first, boolean last, byte[] payload, int offset, int length) {
        int rsv = 0;
        if (first) {
            wireOpcode = opcode;
            wireCompressed = deflater != null && deflate.maxCompressedMessageBytes() == Integer.MAX_VALUE;
            rsv = wireCompressed ? FrameEncoder.RSV1 : 0;
        }
        if (wireCompressed) {
            length = deflater.compressFragment(payload, offset, length, last);
            payload = deflater.output();
            offset = 0;
        }
        boolean ok = writeFrame(last, first ? opcode : FrameEncoder.CONTINUATION, rsv, payload, offset, length);
        if (last) {
            wireOpcode = 0;
            if (wireCompressed) {
                deflater.trim();
            }
            sendDeferred();
        }
        connection.flush();
        return ok;
    }

    /** Stages a control frame (or any single frame with FIN); the caller flushes. */
    boolean writeControl(int opcode, byte[] payload, int offset, int length) {
        return writeFrame(true, opcode, 0, payload, offset, length);
    }

    /** Stages a close frame with {@code code} and up to 123 bytes of {@code reason}; the caller flushes. */
    void writeClose(int code, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, FrameEncoder.MAX_CONTROL_PAYLOAD - 2);
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, n);
        writeControl(FrameEncoder.CLOSE, payload, 0, payload.length);
    }

    /** Drops the held-back messages (the connection closed). */
    void discard() {
        deferred = null;
        deferredBytes = 0;
    }

    private void defer(int opcode, byte[] payload, int offset, int length) {
        byte[] copy = new byte[1 + length];
        copy[0] = (byte) opcode;
        System.arraycopy(payload, offset, copy, 1, length);
        if (deferred == null) {
            deferred = new ArrayDeque<>();
        }
        deferred.add(copy);
        deferredBytes += length;
    }

    private void sendDeferred() {
        while (deferred != null && !deferred.isEmpty() && wireOpcode == 0) {
            byte[] d = deferred.poll();
            deferredBytes -= d.length - 1;
            sendMessage(d[0], d, 1, d.length - 1);
        }
    }

    private boolean writeFrame(boolean fin, int opcode, int rsv, byte[] payload, int offset, int length) {
        int maskKey = client ? MASK_KEYS.nextInt() : 0;
        int h = FrameEncoder.writeHeader(header, 0, fin, rsv, opcode, length, client, maskKey);
        boolean ok = connection.write(header, 0, h);
        if (length == 0) {
            return ok;
        }
        if (client) {
            if (maskScratch == null || maskScratch.length < length) {
                maskScratch = new byte[Math.max(length, 1024)];
            }
            System.arraycopy(payload, offset, maskScratch, 0, length);
            FrameEncoder.mask(maskScratch, 0, length, maskKey);
            payload = maskScratch;
            offset = 0;
        }
        return connection.write(payload, offset, length) && ok;
    }
}
