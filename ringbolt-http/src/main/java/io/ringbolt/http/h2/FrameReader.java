package io.ringbolt.http.h2;

import io.ringbolt.engine.ByteView;
import java.util.Arrays;

/**
 * Splits received bytes into HTTP/2 frames (RFC 9113 §4) and checks each against §6's
 * stateless rules. {@link #read} takes what has arrived and returns how much it consumed: a
 * partial frame is left to the caller (the engine keeps it), so the reader holds no copy of
 * input except an open header block, which is bounded.
 *
 * <p>Limits: a frame longer than the SETTINGS_MAX_FRAME_SIZE this side advertised is a
 * FRAME_SIZE_ERROR; a header block (HEADERS + CONTINUATIONs) longer than
 * {@code maxHeaderBlockBytes} is ENHANCE_YOUR_CALM — the CONTINUATION flood (2024) — and so is
 * a run of {@code maxContinuationFrames} CONTINUATIONs, which catches the variant with empty
 * frames. Not thread-safe: one reader per connection.
 */
public final class FrameReader {
    private enum State { PREFACE, FIRST_SETTINGS, FRAMES }

    private final int maxFrameSizeBytes;
    private final int maxHeaderBlockBytes;
    private final int maxContinuationFrames;
    private State state;

    private byte[] headerBlock = new byte[256];
    private int headerBlockLength;
    /** Stream whose header block is open (HEADERS without END_HEADERS), or 0. */
    private int headerBlockStreamId;
    private boolean headerBlockEndsStream;
    /** The open block's HEADERS frame declared a dependency on its own stream (RFC 9113 §5.3.1). */
    private boolean headerBlockSelfDependent;
    private int continuationFrames;

    private final int[] settingIds;
    private final long[] settingValues;

    /**
     * @param expectPreface          true on a server: the client preface comes first
     * @param maxFrameSizeBytes      the SETTINGS_MAX_FRAME_SIZE this side advertises
     * @param maxHeaderBlockBytes    the largest compressed header block accepted
     * @param maxContinuationFrames  the most CONTINUATION frames one block may use
     */
    public FrameReader(boolean expectPreface, int maxFrameSizeBytes, int maxHeaderBlockBytes, int maxContinuationFrames) {
        this.state = expectPreface ? State.PREFACE : State.FRAMES;
        this.maxFrameSizeBytes = maxFrameSizeBytes;
        this.maxHeaderBlockBytes = maxHeaderBlockBytes;
        this.maxContinuationFrames = maxContinuationFrames;
        this.settingIds = new int[maxFrameSizeBytes / 6];
        this.settingValues = new long[maxFrameSizeBytes / 6];
    }

    /**
     * Reads every complete frame in {@code in[offset, offset + length)}.
     *
     * @return the bytes consumed; the rest is an incomplete frame (or preface) to present again
     *         with more bytes behind it
     */
    public int read(ByteView in, int offset, int length, FrameListener listener) throws Http2Exception {
        int position = offset;
        int end = offset + length;
        if (state == State.PREFACE) {
            int have = Math.min(length, Frames.CLIENT_PREFACE.length);
            for (int i = 0; i < have; i++) {
                if (in.get(offset + i) != Frames.CLIENT_PREFACE[i]) {
                    throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "invalid connection preface");
                }
            }
            if (have < Frames.CLIENT_PREFACE.length) {
                return 0;
            }
            position += Frames.CLIENT_PREFACE.length;
            state = State.FIRST_SETTINGS;
        }
        while (end - position >= Frames.HEADER_LENGTH) {
            int payloadLength = in.getUnsigned(position) << 16 | in.getUnsigned(position + 1) << 8 | in.getUnsigned(position + 2);
            int type = in.getUnsigned(position + 3);
            int flags = in.getUnsigned(position + 4);
            int streamId = readInt(in, position + 5) & 0x7FFF_FFFF;
            if (payloadLength > maxFrameSizeBytes) {
                throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, Frames.typeName(type) + " frame of "
                        + payloadLength + " bytes exceeds SETTINGS_MAX_FRAME_SIZE " + maxFrameSizeBytes);
            }
            if (end - position - Frames.HEADER_LENGTH < payloadLength) {
                break;
            }
            int payload = position + Frames.HEADER_LENGTH;
            if (state == State.FIRST_SETTINGS) {
                if (type != Frames.SETTINGS || (flags & Frames.FLAG_ACK) != 0) {
                    throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "the preface must be followed by SETTINGS, not "
                            + Frames.typeName(type));
                }
                state = State.FRAMES;
            }
            if (headerBlockStreamId != 0 && (type != Frames.CONTINUATION || streamId != headerBlockStreamId)) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, Frames.typeName(type) + " on stream " + streamId
                        + " inside the header block of stream " + headerBlockStreamId);
            }
            position = payload + payloadLength;
            try {
                frame(in, type, flags, streamId, payload, payloadLength, listener);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                listener.onStreamError(e);
            }
        }
        return position - offset;
    }

    private void frame(ByteView in, int type, int flags, int streamId, int payload, int length, FrameListener listener)
            throws Http2Exception {
        switch (type) {
            case Frames.DATA -> data(in, flags, streamId, payload, length, listener);
            case Frames.HEADERS -> headers(in, flags, streamId, payload, length, listener);
            case Frames.PRIORITY -> {
                requireStream(type, streamId);
                if (length != 5) {
                    throw Http2Exception.stream(streamId, Http2Error.FRAME_SIZE_ERROR, "PRIORITY of " + length + " bytes");
                }
                int dependency = readInt(in, payload);
                int dependsOn = dependency & 0x7FFF_FFFF;
                if (dependsOn == streamId) {
                    throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "stream " + streamId + " depends on itself");
                }
                listener.onPriority(streamId, dependsOn, dependency < 0, in.getUnsigned(payload + 4) + 1);
            }
            case Frames.RST_STREAM -> {
                requireStream(type, streamId);
                requireLength(type, length, 4);
                listener.onRstStream(streamId, readInt(in, payload) & 0xFFFF_FFFFL);
            }
            case Frames.SETTINGS -> settings(in, flags, streamId, payload, length, listener);
            case Frames.PUSH_PROMISE -> {
                requireStream(type, streamId);
                listener.onPushPromise(streamId);
            }
            case Frames.PING -> {
                requireConnection(type, streamId);
                requireLength(type, length, 8);
                listener.onPing((flags & Frames.FLAG_ACK) != 0, (long) readInt(in, payload) << 32 | (readInt(in, payload + 4) & 0xFFFF_FFFFL));
            }
            case Frames.GOAWAY -> {
                requireConnection(type, streamId);
                if (length < 8) {
                    throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, "GOAWAY of " + length + " bytes");
                }
                listener.onGoAway(readInt(in, payload) & 0x7FFF_FFFF, readInt(in, payload + 4) & 0xFFFF_FFFFL);
            }
            case Frames.WINDOW_UPDATE -> {
                requireLength(type, length, 4);
                int increment = readInt(in, payload) & 0x7FFF_FFFF;
                if (increment == 0) {
                    String message = "WINDOW_UPDATE with an increment of 0";
                    throw streamId == 0 ? Http2Exception.connection(Http2Error.PROTOCOL_ERROR, message)
                            : Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, message);
                }
                listener.onWindowUpdate(streamId, increment);
            }
            case Frames.CONTINUATION -> continuation(in, flags, streamId, payload, length, listener);
            default -> {
                // RFC 9113 §4.1: unknown frame types MUST be ignored (outside header blocks, checked above).
            }
        }
    }

    private static void data(ByteView in, int flags, int streamId, int payload, int length, FrameListener listener)
            throws Http2Exception {
        requireStream(Frames.DATA, streamId);
        int start = payload;
        int dataLength = length;
        if ((flags & Frames.FLAG_PADDED) != 0) {
            int padding = padding(in, Frames.DATA, payload, length);
            start++;
            dataLength = length - 1 - padding;
        }
        listener.onData(streamId, in, start, dataLength, (flags & Frames.FLAG_END_STREAM) != 0, length);
    }

    private void headers(ByteView in, int flags, int streamId, int payload, int length, FrameListener listener)
            throws Http2Exception {
        requireStream(Frames.HEADERS, streamId);
        int start = payload;
        int blockLength = length;
        if ((flags & Frames.FLAG_PADDED) != 0) {
            int padding = padding(in, Frames.HEADERS, payload, length);
            start++;
            blockLength -= 1 + padding;
        }
        headerBlockSelfDependent = false;
        if ((flags & Frames.FLAG_PRIORITY) != 0) {
            if (blockLength < 5) {
                // RFC 9113 §6.2: padding that leaves no room is a PROTOCOL_ERROR; a frame too
                // short for the fields even unpadded is a FRAME_SIZE_ERROR (§4.2).
                boolean paddingTooLong = (flags & Frames.FLAG_PADDED) != 0 && length - 1 >= 5;
                throw Http2Exception.connection(paddingTooLong ? Http2Error.PROTOCOL_ERROR : Http2Error.FRAME_SIZE_ERROR,
                        "HEADERS " + (paddingTooLong ? "padding leaves no room" : "too short") + " for its priority fields");
            }
            // A stream error, but only once the block is complete: it must still be decoded.
            headerBlockSelfDependent = (readInt(in, start) & 0x7FFF_FFFF) == streamId;
            start += 5;
            blockLength -= 5;
        }
        headerBlockLength = 0;
        continuationFrames = 0;
        append(in, start, blockLength);
        headerBlockEndsStream = (flags & Frames.FLAG_END_STREAM) != 0;
        if ((flags & Frames.FLAG_END_HEADERS) != 0) {
            endOfBlock(streamId, listener);
        } else {
            headerBlockStreamId = streamId;
        }
    }

    private void continuation(ByteView in, int flags, int streamId, int payload, int length, FrameListener listener)
            throws Http2Exception {
        if (headerBlockStreamId == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "CONTINUATION on stream " + streamId + " without HEADERS");
        }
        if (++continuationFrames > maxContinuationFrames) {
            throw Http2Exception.connection(Http2Error.ENHANCE_YOUR_CALM, "more than " + maxContinuationFrames
                    + " CONTINUATION frames in one header block");
        }
        append(in, payload, length);
        if ((flags & Frames.FLAG_END_HEADERS) != 0) {
            headerBlockStreamId = 0;
            endOfBlock(streamId, listener);
        }
    }

    private void endOfBlock(int streamId, FrameListener listener) throws Http2Exception {
        if (headerBlockSelfDependent) {
            listener.onRejectedHeaders(streamId, headerBlock, headerBlockLength, Http2Exception.stream(streamId,
                    Http2Error.PROTOCOL_ERROR, "stream " + streamId + " depends on itself"));
        } else {
            listener.onHeaders(streamId, headerBlock, headerBlockLength, headerBlockEndsStream);
        }
    }

    private void append(ByteView in, int from, int length) throws Http2Exception {
        if (headerBlockLength + length > maxHeaderBlockBytes) {
            throw Http2Exception.connection(Http2Error.ENHANCE_YOUR_CALM, "header block exceeds " + maxHeaderBlockBytes + " bytes");
        }
        if (headerBlock.length < headerBlockLength + length) {
            headerBlock = Arrays.copyOf(headerBlock, Math.min(maxHeaderBlockBytes, Math.max(headerBlock.length * 2, headerBlockLength + length)));
        }
        in.copyTo(from, headerBlock, headerBlockLength, length);
        headerBlockLength += length;
    }

    private void settings(ByteView in, int flags, int streamId, int payload, int length, FrameListener listener)
            throws Http2Exception {
        requireConnection(Frames.SETTINGS, streamId);
        boolean ack = (flags & Frames.FLAG_ACK) != 0;
        if (ack && length != 0) {
            throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, "SETTINGS ack with a payload of " + length + " bytes");
        }
        if (length % 6 != 0) {
            throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, "SETTINGS payload of " + length + " bytes is not a multiple of 6");
        }
        int count = length / 6;
        for (int i = 0; i < count; i++) {
            int at = payload + i * 6;
            settingIds[i] = in.getUnsigned(at) << 8 | in.getUnsigned(at + 1);
            settingValues[i] = readInt(in, at + 2) & 0xFFFF_FFFFL;
        }
        listener.onSettings(ack, settingIds, settingValues, count);
    }

    private static int padding(ByteView in, int type, int payload, int length) throws Http2Exception {
        if (length < 1) {
            throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, Frames.typeName(type) + " PADDED without a pad length");
        }
        int padding = in.getUnsigned(payload);
        if (padding >= length) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, Frames.typeName(type) + " padding of " + padding
                    + " bytes fills its " + length + "-byte payload");
        }
        return padding;
    }

    private static void requireStream(int type, int streamId) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, Frames.typeName(type) + " on stream 0");
        }
    }

    private static void requireConnection(int type, int streamId) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, Frames.typeName(type) + " on stream " + streamId);
        }
    }

    private static void requireLength(int type, int length, int expected) throws Http2Exception {
        if (length != expected) {
            throw Http2Exception.connection(Http2Error.FRAME_SIZE_ERROR, Frames.typeName(type) + " of " + length
                    + " bytes, not " + expected);
        }
    }

    private static int readInt(ByteView in, int at) {
        return in.getUnsigned(at) << 24 | in.getUnsigned(at + 1) << 16 | in.getUnsigned(at + 2) << 8 | in.getUnsigned(at + 3);
    }
}
