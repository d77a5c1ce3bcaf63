package io.ringbolt.http.h2;

import io.ringbolt.engine.ByteView;
import io.ringbolt.http.hpack.HpackBuffer;
import io.ringbolt.http.hpack.HpackDecoder;
import io.ringbolt.http.hpack.HpackEncoder;
import io.ringbolt.http.hpack.HpackException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted HTTP/2 client driving an {@link Http2ServerSession} without sockets, and an echo
 * application behind it: every request is answered with 200 and "METHOD PATH" followed by the
 * request body. Server frames come back as one line each.
 */
final class H2Peer implements Http2ServerSession.Output, Http2ServerSession.StreamListener {
    final Http2ServerSession session;
    final FrameWriter frames = new FrameWriter(1024);
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    private final FrameReader reader = new FrameReader(false, Frames.MAX_FRAME_SIZE_LIMIT, 1 << 20, 1000);
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private byte[] unread = new byte[0];
    boolean writable = true;
    boolean closed;
    final List<String> events = new ArrayList<>();
    final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
    final Map<Integer, Http2Stream> streams = new HashMap<>();
    /** The DATA payloads the server sent, per stream, as parsed by {@link #serverFrames()}. */
    final Map<Integer, ByteArrayOutputStream> responseBodies = new HashMap<>();
    /** Bytes of response body per request the echo app adds ("x" repeated), for flow-control tests. */
    int extraResponseBytes;
    boolean autoRespond = true;

    H2Peer(Http2Config config) {
        session = new Http2ServerSession(this, config, this);
        session.start(System.nanoTime());
    }

    H2Peer() {
        this(Http2Config.defaults());
    }

    // ---- client side -------------------------------------------------------------------------

    H2Peer preface(Http2Settings settings) {
        byte[] preface = Frames.CLIENT_PREFACE;
        FrameWriter first = new FrameWriter(64);
        first.settings(settings);
        byte[] all = Arrays.copyOf(preface, preface.length + first.length());
        System.arraycopy(first.array(), 0, all, preface.length, first.length());
        deliver(all);
        return this;
    }

    H2Peer preface() {
        return preface(new Http2Settings());
    }

    /** Encodes a header block ("name", "value", …) and queues it as HEADERS. */
    H2Peer headers(int streamId, boolean endStream, String... nameValues) {
        HpackBuffer block = new HpackBuffer(64);
        encoder.beginBlock(block);
        for (int i = 0; i < nameValues.length; i += 2) {
            encoder.encode(nameValues[i], nameValues[i + 1], false, block);
        }
        frames.headers(streamId, block.array(), block.length(), endStream, 16_384);
        return this;
    }

    H2Peer get(int streamId, String path) {
        return headers(streamId, true, ":method", "GET", ":scheme", "http", ":path", path, ":authority", "localhost");
    }

    H2Peer data(int streamId, String text, boolean endStream) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        frames.data(streamId, bytes, 0, bytes.length, endStream);
        return this;
    }

    /** Sends what was queued, in one read. */
    H2Peer send() {
        byte[] bytes = Arrays.copyOf(frames.array(), frames.length());
        frames.clear();
        deliver(bytes);
        return this;
    }

    private void deliver(byte[] bytes) {
        byte[] all = Arrays.copyOf(unread, unread.length + bytes.length);
        System.arraycopy(bytes, 0, all, unread.length, bytes.length);
        int consumed = session.onBytes(ByteView.of(all), 0, all.length);
        unread = Arrays.copyOfRange(all, consumed, all.length);
    }

    /** Server frames since the last call, one line each. */
    List<String> serverFrames() {
        byte[] bytes = received.toByteArray();
        received.reset();
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onHeaders(int streamId, byte[] block, int length, boolean endStream) {
                StringBuilder s = new StringBuilder("HEADERS " + streamId);
                try {
                    decoder.decode(block, 0, length, (n, no, nl, v, vo, vl, never) -> s.append(' ')
                            .append(new String(n, no, nl, StandardCharsets.ISO_8859_1)).append('=')
                            .append(new String(v, vo, vl, StandardCharsets.ISO_8859_1)));
                } catch (HpackException e) {
                    throw new AssertionError(e);
                }
                frames.add(s + (endStream ? " END_STREAM" : ""));
            }

            @Override
            public void onData(int streamId, ByteView data, int offset, int length, boolean endStream, int fc) {
                byte[] payload = data.toByteArray(offset, offset + length);
                responseBodies.computeIfAbsent(streamId, id -> new ByteArrayOutputStream()).write(payload, 0, payload.length);
                String text = new String(payload, StandardCharsets.ISO_8859_1);
                frames.add("DATA " + streamId + " " + (length <= 40 ? text : length + " bytes") + (endStream ? " END_STREAM" : ""));
            }
        };
        try {
            int consumed = reader.read(ByteView.of(bytes), 0, bytes.length, listener);
            if (consumed != bytes.length) {
                throw new AssertionError("partial frame from the server");
            }
        } catch (Http2Exception e) {
            throw new AssertionError(e);
        }
        return listener.frames;
    }

    // ---- Output ------------------------------------------------------------------------------

    @Override
    public void write(byte[] bytes, int offset, int length) {
        received.write(bytes, offset, length);
    }

    @Override
    public void flush() {
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void close() {
        closed = true;
    }

    // ---- the echo application ----------------------------------------------------------------

    @Override
    public void onRequest(Http2Stream stream) {
        events.add("request " + stream.id() + " " + stream.requestFields().get(":method") + " " + stream.requestFields().get(":path"));
        bodies.put(stream.id(), new ByteArrayOutputStream());
        streams.put(stream.id(), stream);
    }

    @Override
    public void onRequestData(Http2Stream stream, ByteView data, int offset, int length) {
        bodies.get(stream.id()).write(data.toByteArray(offset, offset + length), 0, length);
    }

    @Override
    public void onRequestEnd(Http2Stream stream) {
        events.add("end " + stream.id());
        if (!autoRespond) {
            return;
        }
        respond(stream);
    }

    void respond(Http2Stream stream) {
        byte[] body = (stream.requestFields().get(":method") + " " + stream.requestFields().get(":path") + " "
                + bodies.get(stream.id()).toString(StandardCharsets.ISO_8859_1) + "x".repeat(extraResponseBytes))
                .getBytes(StandardCharsets.ISO_8859_1);
        stream.writeHeaders(new Http2Fields().add(":status", "200").add("content-length", Integer.toString(body.length)), false);
        stream.writeData(body, 0, body.length, true);
    }

    @Override
    public void onReset(Http2Stream stream, Http2Error error) {
        events.add("reset " + stream.id() + " " + error);
    }
}
