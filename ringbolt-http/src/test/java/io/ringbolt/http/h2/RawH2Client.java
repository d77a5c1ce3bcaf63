package io.ringbolt.http.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ringbolt.http.hpack.HpackBuffer;
import io.ringbolt.http.hpack.HpackDecoder;
import io.ringbolt.http.hpack.HpackEncoder;
import io.ringbolt.http.hpack.HpackException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive HTTP/2 client over a plain socket for the conformance suite: frames are
 * written byte by byte as the test says (valid or not) and read back one at a time, with the
 * expectations h2spec uses — GOAWAY with a code then the close, RST_STREAM with a code, a
 * response, a PING acknowledgement. Header blocks are built with the project's HPACK encoder
 * (which indexes, so a server that skips a block falls out of step and shows it) or by hand
 * where the test needs a malformed one; every HEADERS block the server sends is decoded in
 * order so the client's table stays in step too.
 */
final class RawH2Client implements AutoCloseable {
    /** One frame as read from or written to the wire. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        long errorCode() {
            int at = type == Frames.GOAWAY ? 4 : 0;
            return readInt(payload, at) & 0xFFFF_FFFFL;
        }

        @Override
        public String toString() {
            String extra = type == Frames.GOAWAY || type == Frames.RST_STREAM ? " " + Http2Error.of(errorCode()) : "";
            return Frames.typeName(type) + "(stream " + streamId + ", flags 0x" + Integer.toHexString(flags) + ", "
                    + payload.length + " bytes" + extra + ")";
        }
    }

    /** A response: its fields in order, its body, and every DATA frame's payload length. */
    record Response(List<String[]> fields, byte[] body, List<Integer> dataFrameLengths) {
        String status() {
            return get(":status");
        }

        String get(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    static final int TIMEOUT_MS = 5000;

    final Socket socket;
    final String authority;
    private final InputStream in;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    /** Frames read while looking for another, in arrival order. */
    private final List<Frame> seen = new ArrayList<>();
    /** The server's SETTINGS (the first frame it sent). */
    Http2Settings serverSettings;
    private ByteArrayOutputStream openBlock;
    private int openBlockStream;
    /** Decoded header blocks by arrival: stream id and fields. */
    private final List<Object[]> headerBlocks = new ArrayList<>();

    RawH2Client(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        authority = "127.0.0.1:" + port;
    }

    // ---- connection setup ----------------------------------------------------------------------

    /** Preface and SETTINGS with {@code settings} (id, value pairs), nothing read. */
    RawH2Client preface(long... settings) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Frames.CLIENT_PREFACE);
        b.writeBytes(frame(Frames.SETTINGS, 0, 0, settingsPayload(settings)));
        sendRaw(b.toByteArray());
        return this;
    }

    /**
     * h2spec's handshake: preface and SETTINGS, the server's SETTINGS must be the first frame
     * (RFC 9113 §3.4), acknowledged; then the acknowledgement of ours is awaited.
     */
    RawH2Client handshake(long... settings) throws IOException {
        preface(settings);
        Frame first = readFrame();
        assertThat(first.type()).as("the server's first frame is SETTINGS: " + first).isEqualTo(Frames.SETTINGS);
        assertThat(first.has(Frames.FLAG_ACK)).as("not an acknowledgement").isFalse();
        serverSettings = new Http2Settings();
        for (int i = 0; i < first.payload().length; i += 6) {
            try {
                serverSettings.set((first.payload()[i] & 0xFF) << 8 | (first.payload()[i + 1] & 0xFF),
                        readInt(first.payload(), i + 2) & 0xFFFF_FFFFL);
            } catch (Http2Exception e) {
                fail("the server sent an invalid setting: " + e.getMessage());
            }
        }
        send(Frames.SETTINGS, Frames.FLAG_ACK, 0, new byte[0]);
        awaitSettingsAck();
        return this;
    }

    void awaitSettingsAck() throws IOException {
        Frame ack = await(f -> f.type() == Frames.SETTINGS && f.has(Frames.FLAG_ACK), "SETTINGS ACK");
        assertThat(ack.payload()).isEmpty();
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Writes bytes as they are. A write the server's close makes fail is not an error here: the
     * test's expectation, read next, decides (what the server sent before closing is still read).
     */
    void sendRaw(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (SocketException closedByTheServer) {
            writeFailure = closedByTheServer;
        }
    }

    /** The first write the server's close made fail, or null. */
    SocketException writeFailure;

    void send(int type, int flags, int streamId, byte[] payload) throws IOException {
        sendRaw(frame(type, flags, streamId, payload));
    }

    void settings(long... idValuePairs) throws IOException {
        send(Frames.SETTINGS, 0, 0, settingsPayload(idValuePairs));
    }

    void ping(boolean ack, byte[] data) throws IOException {
        send(Frames.PING, ack ? Frames.FLAG_ACK : 0, 0, data);
    }

    void windowUpdate(int streamId, int increment) throws IOException {
        send(Frames.WINDOW_UPDATE, 0, streamId, int32(increment));
    }

    void rstStream(int streamId, long code) throws IOException {
        send(Frames.RST_STREAM, 0, streamId, int32((int) code));
    }

    void goAway(int lastStreamId, long code) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(int32(lastStreamId));
        b.writeBytes(int32((int) code));
        send(Frames.GOAWAY, 0, 0, b.toByteArray());
    }

    void data(int streamId, boolean endStream, byte[] data) throws IOException {
        send(Frames.DATA, endStream ? Frames.FLAG_END_STREAM : 0, streamId, data);
    }

    void headers(int streamId, boolean endStream, byte[] block) throws IOException {
        send(Frames.HEADERS, Frames.FLAG_END_HEADERS | (endStream ? Frames.FLAG_END_STREAM : 0), streamId, block);
    }

    /** GET / with END_STREAM on {@code streamId}. */
    void get(int streamId) throws IOException {
        headers(streamId, true, block(requestFields("GET", "/")));
    }

    void get(int streamId, String path) throws IOException {
        headers(streamId, true, block(requestFields("GET", path)));
    }

    /** The four request pseudo-header fields, as name, value pairs. */
    List<String> requestFields(String method, String path) {
        return new ArrayList<>(List.of(":method", method, ":scheme", "http", ":path", path, ":authority", authority));
    }

    /** A header block of {@code nameValuePairs} from the client's (indexing) encoder. */
    byte[] block(List<String> nameValuePairs) {
        HpackBuffer buffer = new HpackBuffer(256);
        encoder.beginBlock(buffer);
        for (int i = 0; i < nameValuePairs.size(); i += 2) {
            encoder.encode(nameValuePairs.get(i), nameValuePairs.get(i + 1), buffer);
        }
        return buffer.toByteArray();
    }

    byte[] block(String... nameValuePairs) {
        return block(List.of(nameValuePairs));
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The next frame; HEADERS and CONTINUATION blocks are decoded as they arrive. */
    Frame readFrame() throws IOException {
        byte[] head = readFully(9);
        int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | (head[2] & 0xFF);
        int type = head[3] & 0xFF;
        int flags = head[4] & 0xFF;
        int streamId = readInt(head, 5) & 0x7FFF_FFFF;
        assertThat(length).as("a frame within our SETTINGS_MAX_FRAME_SIZE").isLessThanOrEqualTo(maxFrameSizeWeAccept);
        Frame f = new Frame(type, flags, streamId, readFully(length));
        if (type == Frames.HEADERS) {
            int start = 0;
            int end = length;
            if (f.has(Frames.FLAG_PADDED)) {
                start = 1;
                end -= f.payload()[0] & 0xFF;
            }
            if (f.has(Frames.FLAG_PRIORITY)) {
                start += 5;
            }
            openBlock = new ByteArrayOutputStream();
            openBlock.write(f.payload(), start, end - start);
            openBlockStream = streamId;
            if (f.has(Frames.FLAG_END_HEADERS)) {
                closeBlock();
            }
        } else if (type == Frames.CONTINUATION) {
            assertThat(openBlock).as("CONTINUATION inside a header block").isNotNull();
            assertThat(streamId).isEqualTo(openBlockStream);
            openBlock.writeBytes(f.payload());
            if (f.has(Frames.FLAG_END_HEADERS)) {
                closeBlock();
            }
        } else {
            assertThat(openBlock).as("no other frame inside a header block: " + f).isNull();
        }
        return f;
    }

    int maxFrameSizeWeAccept = Frames.DEFAULT_MAX_FRAME_SIZE;

    private void closeBlock() {
        List<String[]> fields = new ArrayList<>();
        byte[] block = openBlock.toByteArray();
        try {
            decoder.decode(block, 0, block.length, (name, no, nl, value, vo, vl, neverIndexed) -> fields.add(new String[] {
                    new String(name, no, nl, StandardCharsets.ISO_8859_1), new String(value, vo, vl, StandardCharsets.ISO_8859_1)}));
        } catch (HpackException e) {
            fail("the server's header block does not decode: " + e.getMessage());
        }
        headerBlocks.add(new Object[] {openBlockStream, fields});
        openBlock = null;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("connection closed after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    interface FramePredicate {
        boolean test(Frame f);
    }

    /** Reads until a frame matches; a GOAWAY or the close on the way fails the test. */
    Frame await(FramePredicate wanted, String what) throws IOException {
        while (true) {
            Frame f;
            try {
                f = readFrame();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("timed out waiting for " + what + "; frames seen: " + seen);
            } catch (EOFException | SocketException e) {
                throw new AssertionError("connection closed waiting for " + what + "; frames seen: " + seen, e);
            }
            seen.add(f);
            if (wanted.test(f)) {
                return f;
            }
            if (f.type() == Frames.GOAWAY) {
                throw new AssertionError("GOAWAY " + Http2Error.of(f.errorCode()) + " (" + debugText(f) + ") while waiting for "
                        + what + "; frames seen: " + seen);
            }
        }
    }

    /**
     * A connection error: GOAWAY with {@code code} (RFC 9113 §5.4.1), then the connection closes.
     */
    Frame expectGoAway(Http2Error code) throws IOException {
        Frame goAway = await(f -> f.type() == Frames.GOAWAY, "GOAWAY " + code);
        assertThat(Http2Error.of(goAway.errorCode())).as("GOAWAY's error code (" + debugText(goAway) + ")").isEqualTo(code);
        expectClosed();
        return goAway;
    }

    /** The server closes the connection (after whatever frames it still sends, none an error). */
    void expectClosed() throws IOException {
        while (true) {
            Frame f;
            try {
                f = readFrame();
            } catch (EOFException | SocketException e) {
                return;
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection stays open; frames seen: " + seen);
            }
            seen.add(f);
        }
    }

    /** A stream error: RST_STREAM with {@code code} on {@code streamId} (RFC 9113 §5.4.2), no GOAWAY. */
    void expectRst(int streamId, Http2Error code) throws IOException {
        Frame rst = await(f -> f.type() == Frames.RST_STREAM && f.streamId() == streamId, "RST_STREAM on stream " + streamId);
        assertThat(Http2Error.of(rst.errorCode())).as("RST_STREAM's error code").isEqualTo(code);
    }

    void expectPingAck(byte[] data) throws IOException {
        Frame ack = await(f -> f.type() == Frames.PING && f.has(Frames.FLAG_ACK), "PING ACK");
        assertThat(ack.payload()).as("PING ACK payload").isEqualTo(data);
    }

    /** Sends a PING and expects its acknowledgement: the connection is alive and error-free. */
    void expectAlive() throws IOException {
        byte[] data = "alive?!!".getBytes(StandardCharsets.US_ASCII);
        ping(false, data);
        expectPingAck(data);
    }

    /** The response on {@code streamId}: its first header block and the DATA up to END_STREAM. */
    Response expectResponse(int streamId) throws IOException {
        Frame headers = await(f -> (f.type() == Frames.HEADERS || f.type() == Frames.RST_STREAM) && f.streamId() == streamId,
                "response HEADERS on stream " + streamId);
        assertThat(headers.type()).as("a response, not " + headers).isEqualTo(Frames.HEADERS);
        if (!headers.has(Frames.FLAG_END_HEADERS)) {
            await(f -> f.type() == Frames.CONTINUATION && f.has(Frames.FLAG_END_HEADERS), "the header block's end");
        }
        List<String[]> fields = lastBlock(streamId);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        boolean ended = headers.has(Frames.FLAG_END_STREAM);
        while (!ended) {
            Frame f = await(x -> x.streamId() == streamId && (x.type() == Frames.DATA || x.type() == Frames.HEADERS
                    || x.type() == Frames.RST_STREAM), "DATA on stream " + streamId);
            assertThat(f.type()).as("no reset in the middle of a response: " + f).isNotEqualTo(Frames.RST_STREAM);
            if (f.type() == Frames.DATA) {
                lengths.add(f.payload().length);
                int start = f.has(Frames.FLAG_PADDED) ? 1 : 0;
                int end = f.payload().length - (f.has(Frames.FLAG_PADDED) ? f.payload()[0] & 0xFF : 0);
                body.write(f.payload(), start, end - start);
            } else if (!f.has(Frames.FLAG_END_HEADERS)) {
                await(x -> x.type() == Frames.CONTINUATION && x.has(Frames.FLAG_END_HEADERS), "the trailers' end");
            }
            ended = f.has(Frames.FLAG_END_STREAM);
        }
        return new Response(fields, body.toByteArray(), lengths);
    }

    /** The next DATA frame on {@code streamId}. */
    Frame expectData(int streamId) throws IOException {
        return await(f -> f.type() == Frames.DATA && f.streamId() == streamId, "DATA on stream " + streamId);
    }

    @SuppressWarnings("unchecked")
    private List<String[]> lastBlock(int streamId) {
        for (int i = headerBlocks.size() - 1; i >= 0; i--) {
            if ((int) headerBlocks.get(i)[0] == streamId) {
                return (List<String[]>) headerBlocks.get(i)[1];
            }
        }
        throw new AssertionError("no header block on stream " + streamId);
    }

    /** This client announced SETTINGS_HEADER_TABLE_SIZE {@code bytes}: its decoder holds the server to it. */
    void decoderTableSize(int bytes) {
        decoder.setTableSizeBytes(bytes);
    }

    List<Frame> seen() {
        return seen;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- bytes ---------------------------------------------------------------------------------

    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    static byte[] settingsPayload(long... idValuePairs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < idValuePairs.length; i += 2) {
            b.write((int) (idValuePairs[i] >>> 8));
            b.write((int) idValuePairs[i]);
            b.writeBytes(int32((int) idValuePairs[i + 1]));
        }
        return b.toByteArray();
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static String debugText(Frame goAway) {
        return goAway.payload().length > 8 ? new String(goAway.payload(), 8, goAway.payload().length - 8, StandardCharsets.UTF_8) : "";
    }
}
