package io.ringbolt.http;

import io.ringbolt.http.h2.FrameWriter;
import io.ringbolt.http.h2.Frames;
import io.ringbolt.http.h2.Http2Error;
import io.ringbolt.http.h2.Http2Settings;
import io.ringbolt.http.hpack.HpackBuffer;
import io.ringbolt.http.hpack.HpackEncoder;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;

/**
 * A raw HTTP/2 client over a real socket (h2c, prior knowledge) for tests that need frame-level
 * control: requests, RST_STREAM, dropping the connection with streams open. Acknowledges the
 * server's SETTINGS; reads frames one at a time. Not thread-safe.
 */
final class H2cSocket implements AutoCloseable {
    /** One frame from the server. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        boolean endStream() {
            return (type == Frames.DATA || type == Frames.HEADERS) && (flags & Frames.FLAG_END_STREAM) != 0;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final FrameWriter frames = new FrameWriter(256);
    private final HpackEncoder encoder = new HpackEncoder();

    H2cSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write(Frames.CLIENT_PREFACE);
        frames.settings(new Http2Settings());
        send();
    }

    /** GET {@code path} on {@code streamId}, with END_STREAM. */
    H2cSocket get(int streamId, String path) throws IOException {
        HpackBuffer block = new HpackBuffer(64);
        encoder.beginBlock(block);
        encoder.encode(":method", "GET", block);
        encoder.encode(":scheme", "http", block);
        encoder.encode(":path", path, block);
        encoder.encode(":authority", "localhost", block);
        frames.headers(streamId, block.array(), block.length(), true, Frames.DEFAULT_MAX_FRAME_SIZE);
        return send();
    }

    /** RST_STREAM {@code streamId} with CANCEL. */
    H2cSocket reset(int streamId) throws IOException {
        frames.rstStream(streamId, Http2Error.CANCEL);
        return send();
    }

    private H2cSocket send() throws IOException {
        out.write(Arrays.copyOf(frames.array(), frames.length()));
        out.flush();
        frames.clear();
        return this;
    }

    /** The next frame other than SETTINGS, PING and WINDOW_UPDATE (SETTINGS are acknowledged). */
    Frame next() throws IOException {
        while (true) {
            int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int streamId = in.readInt() & 0x7FFF_FFFF;
            byte[] payload = in.readNBytes(length);
            if (type == Frames.SETTINGS && (flags & Frames.FLAG_ACK) == 0) {
                frames.settingsAck();
                send();
            } else if (type != Frames.SETTINGS && type != Frames.PING && type != Frames.WINDOW_UPDATE) {
                return new Frame(type, flags, streamId, payload);
            }
        }
    }

    /** Reads until stream {@code streamId}'s response ends; returns its first frame (the HEADERS). */
    Frame awaitEnd(int streamId) throws IOException {
        Frame first = null;
        while (true) {
            Frame f = next();
            if (f.streamId() != streamId) {
                continue;
            }
            if (first == null) {
                first = f;
            }
            if (f.endStream() || f.type() == Frames.RST_STREAM) {
                return first;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
