package io.ringbolt.http.h2;

import io.ringbolt.engine.ByteView;
import io.ringbolt.http.hpack.HpackBuffer;
import io.ringbolt.http.hpack.HpackDecoder;
import io.ringbolt.http.hpack.HpackEncoder;
import io.ringbolt.http.hpack.HpackException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of one HTTP/2 connection (RFC 9113): settings, streams and their states,
 * flow control both ways, HPACK, GOAWAY, and the limits of {@link Http2Config}. Bytes come in
 * through {@link #onBytes}; frames leave through an {@link Output}. Requests reach a
 * {@link StreamListener}; responses are written to the {@link Http2Stream}.
 *
 * <p>Transport-neutral: it knows nothing of sockets or the engine, so it is driven the same way
 * by a plain connection (h2c), a TLS one (h2) and the tests. Reactor thread only.
 */
public final class Http2ServerSession implements FrameListener {

    /** Where frames go: the connection's write path. */
    public interface Output {
        void write(byte[] bytes, int offset, int length);

        void flush();

        /** Output below its high-water mark: more DATA may be written. */
        boolean isWritable();

        void close();
    }

    /** Receives requests; called on the reactor thread. */
    public interface StreamListener {
        /** A request's header block arrived and is valid; the body (if any) follows. */
        void onRequest(Http2Stream stream);

        /** Request body bytes, valid during the call. */
        void onRequestData(Http2Stream stream, ByteView data, int offset, int length);

        /** The request is complete (END_STREAM, after trailers if any). */
        void onRequestEnd(Http2Stream stream);

        /** The stream was reset, by the peer or by us; writes to it are dropped from now on. */
        void onReset(Http2Stream stream, Http2Error error);

        /** The stream's queued data fell below the high-water mark again. */
        default void onWritable(Http2Stream stream) {
        }
    }

    /**
     * OPEN serves; ANNOUNCED has sent the first GOAWAY of a graceful shutdown (stream id 2^31-1)
     * and a PING, and still accepts the streams the client may have sent meanwhile; DRAINING has
     * sent the GOAWAY with the last stream accepted and refuses new streams; CLOSED is done.
     */
    private enum State { OPEN, ANNOUNCED, DRAINING, CLOSED }

    /** Opaque data of the PING that measures one round trip after the first shutdown GOAWAY ("rb-drain"). */
    static final long SHUTDOWN_PING = 0x72622d647261696eL;
    /** How long the first shutdown GOAWAY waits for the PING's ACK before the final GOAWAY. */
    static final long SHUTDOWN_PING_WAIT_NS = 1_000_000_000L;

    private static final long SECOND_NS = 1_000_000_000L;
    /** Ranges of skipped stream ids remembered (older ones count as closed streams). */
    private static final int SKIPPED_RANGES_KEPT = 16;

    private final Output out;
    private final Http2Config config;
    private final StreamListener listener;
    private final FrameReader reader;
    private final FrameWriter writer = new FrameWriter(16 * 1024);
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackBuffer headerBlock = new HpackBuffer(256);
    private final RequestFieldsSink fieldsSink = new RequestFieldsSink();
    /** DATA payloads from this size on are written to the output directly (see writeStream). */
    static final int DIRECT_DATA_BYTES = 4096;
    private final Http2Fields requestScratch = new Http2Fields(16);
    private final Http2Settings peerSettings = new Http2Settings();
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    private final ArrayDeque<Http2Stream> ready = new ArrayDeque<>();

    private State state = State.OPEN;
    private int lastStreamId;
    /**
     * Client stream ids jumped over when a higher one opened, as [first, last] ranges, newest
     * last: idle ids implicitly closed that were never used (RFC 9113 §5.1.1), so a HEADERS on
     * one is a stream id going backwards (PROTOCOL_ERROR), not one on a closed stream (STREAM_CLOSED).
     */
    private final ArrayDeque<int[]> skippedStreamIds = new ArrayDeque<>();
    private long connectionSendWindow = Frames.DEFAULT_WINDOW;
    private long connectionReceiveWindow = Frames.DEFAULT_WINDOW;
    private int connectionUnacknowledgedBytes;
    private long settingsSentAtNs = -1;
    /** When the first GOAWAY of a graceful shutdown was sent (state ANNOUNCED). */
    private long announcedAtNs;
    private long resetWindowStartNs;
    private int resetsInWindow;
    private long controlWindowStartNs;
    private int controlFramesInWindow;

    public Http2ServerSession(Output out, Http2Config config, StreamListener listener) {
        this.out = out;
        this.config = config;
        this.listener = listener;
        this.reader = new FrameReader(true, config.maxFrameSizeBytes(), config.maxHeaderBlockBytes(), config.maxContinuationFrames());
        this.decoder = new HpackDecoder(config.headerTableSizeBytes(), config.maxHeaderListSizeBytes());
    }

    /** Sends this side's preface: SETTINGS, and the connection window raised to its configured size. */
    public void start(long nowNs) {
        Http2Settings ours = new Http2Settings()
                .enablePush(false)
                .maxConcurrentStreams(config.maxConcurrentStreams())
                .initialWindowSize(config.initialWindowSizeBytes())
                .maxFrameSize(config.maxFrameSizeBytes())
                .maxHeaderListSize(config.maxHeaderListSizeBytes())
                .headerTableSize(config.headerTableSizeBytes());
        writer.settings(ours);
        int raise = config.connectionWindowBytes() - Frames.DEFAULT_WINDOW;
        if (raise > 0) {
            writer.windowUpdate(0, raise);
            connectionReceiveWindow += raise;
        }
        settingsSentAtNs = nowNs;
        flush();
    }

    /**
     * Starts a connection upgraded from HTTP/1.1 ({@code Upgrade: h2c}, RFC 7540 §3.2): this
     * side's SETTINGS, the client's from its {@code HTTP2-Settings} field (acknowledged
     * implicitly), and the upgraded request as stream 1, half closed by the client, whose
     * response the listener writes as for any stream. The client preface is still expected.
     *
     * @throws Http2Exception when the settings payload is malformed (answer 400 instead)
     */
    public void startUpgraded(long nowNs, byte[] clientSettings, Http2Fields request) throws Http2Exception {
        if (clientSettings.length % 6 != 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HTTP2-Settings of " + clientSettings.length
                    + " bytes is not a multiple of 6");
        }
        for (int i = 0; i < clientSettings.length; i += 6) {
            int id = (clientSettings[i] & 0xFF) << 8 | (clientSettings[i + 1] & 0xFF);
            long value = ((clientSettings[i + 2] & 0xFFL) << 24) | ((clientSettings[i + 3] & 0xFF) << 16)
                    | ((clientSettings[i + 4] & 0xFF) << 8) | (clientSettings[i + 5] & 0xFF);
            peerSettings.set(id, value);
            if (id == Http2Settings.HEADER_TABLE_SIZE) {
                encoder.setPeerTableSizeBytes(peerSettings.headerTableSize());
            }
        }
        start(nowNs);
        lastStreamId = 1;
        Http2Stream stream = new Http2Stream(this, 1, peerSettings.initialWindowSize(), config.initialWindowSizeBytes());
        stream.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        for (int i = 0; i < request.size(); i++) {
            stream.requestFields.add(request.name(i), request.value(i));
        }
        streams.put(1, stream);
        listener.onRequest(stream);
        if (streams.get(1) == stream) {
            listener.onRequestEnd(stream);
        }
        writePending();
        flush();
    }

    /**
     * Takes received bytes; returns how many were consumed (the rest is an incomplete frame).
     * A connection error sends GOAWAY and closes; the return value then covers everything.
     */
    public int onBytes(ByteView in, int offset, int length) {
        if (state == State.CLOSED) {
            return length;
        }
        int consumed;
        try {
            consumed = reader.read(in, offset, length, this);
        } catch (Http2Exception e) {
            fail(e);
            return length;
        }
        writePending();
        flush();
        return consumed;
    }

    /** The output drained below its low-water mark: queued DATA may continue. */
    public void onOutputWritable() {
        writePending();
        flush();
    }

    /** Periodic check (about once a second): the SETTINGS acknowledgement deadline. */
    public void onTick(long nowNs) {
        if (settingsSentAtNs >= 0 && nowNs - settingsSentAtNs > config.settingsAckTimeout().toNanos()) {
            fail(Http2Exception.connection(Http2Error.SETTINGS_TIMEOUT, "SETTINGS not acknowledged"));
            return;
        }
        if (state == State.ANNOUNCED && nowNs - announcedAtNs >= SHUTDOWN_PING_WAIT_NS) {
            finishShutdown(); // the client did not answer the PING in time
        }
    }

    /**
     * Graceful shutdown in two steps (RFC 9113 §6.8): a GOAWAY with stream id 2^31-1 tells the
     * client to open no more streams, and a PING measures one round trip; streams the client
     * opened meanwhile are still served. When the PING's ACK arrives (or after
     * {@link #SHUTDOWN_PING_WAIT_NS}, checked by {@link #onTick}), a second GOAWAY names the last
     * stream accepted; streams under way finish, later ones are refused, and the connection
     * closes when none is left.
     */
    public void shutdownGracefully(long nowNs) {
        if (state != State.OPEN) {
            return;
        }
        state = State.ANNOUNCED;
        announcedAtNs = nowNs;
        writer.goAway(Integer.MAX_VALUE, Http2Error.NO_ERROR, null);
        writer.ping(false, SHUTDOWN_PING);
        flush();
    }

    /** The second GOAWAY of a graceful shutdown, with the last stream accepted. */
    private void finishShutdown() {
        if (state != State.ANNOUNCED) {
            return;
        }
        state = State.DRAINING;
        writer.goAway(lastStreamId, Http2Error.NO_ERROR, null);
        flush();
        closeIfDrained();
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Calls {@code action} for every open or half-closed stream. */
    public void forEachStream(java.util.function.Consumer<Http2Stream> action) {
        for (Http2Stream stream : streams.values().toArray(new Http2Stream[0])) {
            action.accept(stream);
        }
    }

    /** Streams open or half closed. */
    public int activeStreamCount() {
        return streams.size();
    }

    // ---- FrameListener ---------------------------------------------------------------------

    @Override
    public void onHeaders(int streamId, byte[] block, int length, boolean endStream) throws Http2Exception {
        if ((streamId & 1) == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on even stream " + streamId + " from a client");
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId <= lastStreamId) {
                decodeDiscarding(block, length);
                if (wasSkipped(streamId)) {
                    throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on stream " + streamId
                            + ", below stream " + lastStreamId + " already opened");
                }
                throw Http2Exception.connection(Http2Error.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
            }
            openStream(streamId, block, length, endStream);
            return;
        }
        if (stream.state == Http2Stream.State.HALF_CLOSED_REMOTE || stream.state == Http2Stream.State.CLOSED) {
            decodeDiscarding(block, length);
            throw Http2Exception.stream(streamId, Http2Error.STREAM_CLOSED, "HEADERS after END_STREAM on stream " + streamId);
        }
        // Trailers (RFC 9113 §8.1): a second header block, which must end the stream.
        Http2Fields trailers = new Http2Fields();
        boolean complete = decode(block, length, trailers, true);
        if (!endStream) {
            throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "trailers without END_STREAM on stream " + streamId);
        }
        if (!complete || fieldsSink.malformed != null) {
            throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "malformed trailers: " + fieldsSink.malformed);
        }
        stream.trailers = trailers;
        endOfRequest(stream);
    }

    @Override
    public void onRejectedHeaders(int streamId, byte[] block, int length, Http2Exception error) throws Http2Exception {
        if ((streamId & 1) == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on even stream " + streamId + " from a client");
        }
        decodeDiscarding(block, length);
        if (!streams.containsKey(streamId) && streamId > lastStreamId) {
            advanceLastStreamId(streamId); // the stream was opened, and the error closes it
        }
        throw error;
    }

    /** A new client stream {@code streamId} (above {@link #lastStreamId}) is opened. */
    private void advanceLastStreamId(int streamId) {
        int firstSkipped = lastStreamId == 0 ? 1 : lastStreamId + 2;
        if (streamId > firstSkipped) {
            if (skippedStreamIds.size() == SKIPPED_RANGES_KEPT) {
                skippedStreamIds.removeFirst();
            }
            skippedStreamIds.addLast(new int[] {firstSkipped, streamId - 2});
        }
        lastStreamId = streamId;
    }

    private boolean wasSkipped(int streamId) {
        for (int[] range : skippedStreamIds) {
            if (streamId >= range[0] && streamId <= range[1]) {
                return true;
            }
        }
        return false;
    }

    private void openStream(int streamId, byte[] block, int length, boolean endStream) throws Http2Exception {
        advanceLastStreamId(streamId);
        Http2Fields fields = requestScratch; // copied into the stream below; reused per request
        fields.clear();
        boolean complete = decode(block, length, fields, false);
        if (state != State.OPEN && state != State.ANNOUNCED) {
            writer.rstStream(streamId, Http2Error.REFUSED_STREAM);
            return;
        }
        if (streams.size() >= config.maxConcurrentStreams()) {
            writer.rstStream(streamId, Http2Error.REFUSED_STREAM);
            countReset();
            return;
        }
        if (!complete) {
            // RFC 9113 §8.2.3 with RFC 6585: the list exceeded SETTINGS_MAX_HEADER_LIST_SIZE.
            answerUnseen(streamId, "431", endStream);
            return;
        }
        if (fieldsSink.malformed != null) {
            throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "malformed request: " + fieldsSink.malformed);
        }
        if (endStream && fieldsSink.contentLength > 0) {
            throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "content-length " + fieldsSink.contentLength
                    + " but the request has no body");
        }
        if ("CONNECT".equals(fields.get(":method"))) {
            // Tunnels are not served here (RFC 9113 §8.5): a clean refusal; the connection goes on.
            answerUnseen(streamId, "405", endStream);
            return;
        }
        Http2Stream stream = new Http2Stream(this, streamId, peerSettings.initialWindowSize(), config.initialWindowSizeBytes());
        streams.put(streamId, stream);
        copyJoiningCookies(fields, stream.requestFields);
        stream.declaredLength = fieldsSink.contentLength;
        if (endStream) {
            stream.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        }
        listener.onRequest(stream);
        if (endStream && streams.get(streamId) == stream) {
            listener.onRequestEnd(stream);
        }
    }

    /**
     * Copies a request's fields; cookie fields, which HTTP/2 lets a client split (RFC 9113
     * §8.2.3), are joined with "; " into one at the first one's place, as the HTTP/1.1 API
     * the application sees expects.
     */
    private static void copyJoiningCookies(Http2Fields from, Http2Fields to) {
        StringBuilder cookies = null;
        for (int i = 0; i < from.size(); i++) {
            if (from.name(i).equals("cookie")) {
                cookies = cookies == null ? new StringBuilder(from.value(i)) : cookies.append("; ").append(from.value(i));
            }
        }
        boolean cookieAdded = false;
        for (int i = 0; i < from.size(); i++) {
            if (!from.name(i).equals("cookie")) {
                to.add(from.name(i), from.value(i));
            } else if (!cookieAdded) {
                to.add("cookie", cookies.toString());
                cookieAdded = true;
            }
        }
    }

    /**
     * Answers a request the application never sees with a bare status. If the request is not
     * complete, RST_STREAM NO_ERROR follows: "stop sending, nothing is wrong" (RFC 9113 §8.1).
     */
    private void answerUnseen(int streamId, String status, boolean requestComplete) {
        headerBlock.clear();
        encoder.beginBlock(headerBlock);
        encoder.encode(":status", status, headerBlock);
        encoder.encode("content-length", "0", headerBlock);
        writer.headers(streamId, headerBlock.array(), headerBlock.length(), true, peerSettings.maxFrameSize());
        if (!requestComplete) {
            writer.rstStream(streamId, Http2Error.NO_ERROR);
        }
    }

    @Override
    public void onData(int streamId, ByteView data, int offset, int length, boolean endStream, int flowControlledLength)
            throws Http2Exception {
        if (flowControlledLength > connectionReceiveWindow) {
            throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "DATA of " + flowControlledLength
                    + " bytes exceeds the connection window of " + connectionReceiveWindow);
        }
        connectionReceiveWindow -= flowControlledLength;
        connectionUnacknowledgedBytes += flowControlledLength;
        if (connectionUnacknowledgedBytes >= config.connectionWindowBytes() / 2) {
            writer.windowUpdate(0, connectionUnacknowledgedBytes);
            connectionReceiveWindow += connectionUnacknowledgedBytes;
            connectionUnacknowledgedBytes = 0;
        }
        if (length == 0 && !endStream) {
            countControlFrame();
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "DATA on idle stream " + streamId);
            }
            throw Http2Exception.stream(streamId, Http2Error.STREAM_CLOSED, "DATA on closed stream " + streamId);
        }
        if (stream.state == Http2Stream.State.HALF_CLOSED_REMOTE || stream.state == Http2Stream.State.CLOSED) {
            throw Http2Exception.stream(streamId, Http2Error.STREAM_CLOSED, "DATA after END_STREAM on stream " + streamId);
        }
        if (flowControlledLength > stream.receiveWindow) {
            throw Http2Exception.stream(streamId, Http2Error.FLOW_CONTROL_ERROR, "DATA of " + flowControlledLength
                    + " bytes exceeds the stream window of " + stream.receiveWindow);
        }
        stream.receiveWindow -= flowControlledLength;
        stream.receivedBytes += length;
        if (stream.declaredLength >= 0 && stream.receivedBytes > stream.declaredLength) {
            throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "more DATA than content-length " + stream.declaredLength);
        }
        if (length > 0) {
            listener.onRequestData(stream, data, offset, length);
        }
        if (endStream) {
            if (stream.declaredLength >= 0 && stream.receivedBytes != stream.declaredLength) {
                throw Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "DATA of " + stream.receivedBytes
                        + " bytes but content-length " + stream.declaredLength);
            }
            endOfRequest(stream);
            return;
        }
        stream.unacknowledgedBytes += flowControlledLength;
        if (stream.unacknowledgedBytes >= config.initialWindowSizeBytes() / 2 && streams.get(streamId) == stream) {
            writer.windowUpdate(streamId, stream.unacknowledgedBytes);
            stream.receiveWindow += stream.unacknowledgedBytes;
            stream.unacknowledgedBytes = 0;
        }
    }

    private void endOfRequest(Http2Stream stream) {
        stream.state = stream.state == Http2Stream.State.HALF_CLOSED_LOCAL ? Http2Stream.State.CLOSED
                : Http2Stream.State.HALF_CLOSED_REMOTE;
        listener.onRequestEnd(stream);
        if (stream.state == Http2Stream.State.CLOSED) {
            remove(stream);
        }
    }

    @Override
    public void onPriority(int streamId, int dependsOn, boolean exclusive, int weight) throws Http2Exception {
        // RFC 9113 §5.3.2: the priority signals of RFC 7540 are deprecated; parsed and ignored.
        countControlFrame();
    }

    @Override
    public void onRstStream(int streamId, long errorCode) throws Http2Exception {
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "RST_STREAM on idle stream " + streamId);
            }
            countControlFrame();
            return;
        }
        countReset();
        stream.state = Http2Stream.State.CLOSED;
        stream.queue.clear();
        remove(stream);
        listener.onReset(stream, Http2Error.of(errorCode));
    }

    @Override
    public void onSettings(boolean ack, int[] ids, long[] values, int count) throws Http2Exception {
        countControlFrame();
        if (ack) {
            settingsSentAtNs = -1;
            return;
        }
        int oldWindow = peerSettings.initialWindowSize();
        for (int i = 0; i < count; i++) {
            peerSettings.set(ids[i], values[i]);
            if (ids[i] == Http2Settings.HEADER_TABLE_SIZE) {
                encoder.setPeerTableSizeBytes(peerSettings.headerTableSize());
            }
        }
        int delta = peerSettings.initialWindowSize() - oldWindow;
        if (delta != 0) {
            // RFC 9113 §6.9.2: a new initial window changes every stream's window by the difference.
            for (Http2Stream stream : streams.values()) {
                stream.sendWindow += delta;
                if (stream.sendWindow > Frames.MAX_WINDOW) {
                    throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE overflows stream "
                            + stream.id() + "'s window");
                }
                if (delta > 0) {
                    schedule(stream);
                }
            }
        }
        writer.settingsAck();
    }

    @Override
    public void onPing(boolean ack, long opaqueData) throws Http2Exception {
        countControlFrame();
        if (!ack) {
            writer.ping(true, opaqueData);
        } else if (opaqueData == SHUTDOWN_PING) {
            finishShutdown();
        }
    }

    @Override
    public void onGoAway(int lastStreamIdFromPeer, long errorCode) {
        if (state == State.ANNOUNCED) {
            finishShutdown();
            return;
        }
        if (state == State.OPEN) {
            state = State.DRAINING;
        }
        closeIfDrained();
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        countControlFrame();
        if (streamId == 0) {
            connectionSendWindow += increment;
            if (connectionSendWindow > Frames.MAX_WINDOW) {
                throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
            }
            for (Http2Stream stream : streams.values()) {
                schedule(stream);
            }
            return;
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + streamId);
            }
            return;
        }
        stream.sendWindow += increment;
        if (stream.sendWindow > Frames.MAX_WINDOW) {
            throw Http2Exception.stream(streamId, Http2Error.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
        }
        schedule(stream);
    }

    @Override
    public void onPushPromise(int streamId) throws Http2Exception {
        throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
    }

    @Override
    public void onStreamError(Http2Exception error) throws Http2Exception {
        // Each one costs us a RST_STREAM: bounded like the control frames (the "reset flood", CVE-2019-9514).
        countControlFrame();
        Http2Stream stream = streams.get(error.streamId());
        if (stream != null) {
            resetStream(stream, error.error());
        } else {
            writer.rstStream(error.streamId(), error.error());
        }
    }

    // ---- streams -----------------------------------------------------------------------------

    void schedule(Http2Stream stream) {
        if (!ready.contains(stream)) {
            ready.add(stream);
        }
    }

    void resetStream(Http2Stream stream, Http2Error error) {
        if (stream.state == Http2Stream.State.CLOSED && !streams.containsKey(stream.id())) {
            return;
        }
        writer.rstStream(stream.id(), error);
        stream.state = Http2Stream.State.CLOSED;
        stream.queue.clear();
        stream.queuedDataBytes = 0;
        remove(stream);
        listener.onReset(stream, error);
    }

    private void remove(Http2Stream stream) {
        streams.remove(stream.id());
        ready.remove(stream);
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (state == State.DRAINING && streams.isEmpty()) {
            flush();
            state = State.CLOSED;
            out.close();
        }
    }

    /** Sends what the windows allow from every stream with queued output. */
    private void writePending() {
        int rounds = ready.size();
        while (rounds-- > 0 && !ready.isEmpty() && state != State.CLOSED) {
            Http2Stream stream = ready.poll();
            if (writeStream(stream)) {
                continue;
            }
            ready.add(stream); // blocked on a window: try again when it opens
        }
    }

    /** Returns true when the stream has nothing more it can send now. */
    private boolean writeStream(Http2Stream stream) {
        while (!stream.queue.isEmpty()) {
            Object item = stream.queue.peek();
            if (item instanceof Http2Stream.QueuedHeaders headers) {
                headerBlock.clear();
                encoder.beginBlock(headerBlock);
                Http2Fields fields = headers.fields();
                for (int i = 0; i < fields.size(); i++) {
                    encoder.encode(fields.name(i), fields.value(i), headerBlock);
                }
                writer.headers(stream.id(), headerBlock.array(), headerBlock.length(), headers.endStream(), peerSettings.maxFrameSize());
                stream.queue.poll();
                if (headers.endStream()) {
                    endOfResponse(stream);
                    return true;
                }
                continue;
            }
            Http2Stream.QueuedData data = (Http2Stream.QueuedData) item;
            int remaining = data.bytes.length - data.sent;
            long window = Math.min(connectionSendWindow, stream.sendWindow);
            int chunk = (int) Math.min(Math.min(remaining, window), peerSettings.maxFrameSize());
            if (remaining > 0 && (chunk <= 0 || !out.isWritable())) {
                return false;
            }
            boolean last = chunk == remaining;
            writeDataFrame(stream.id(), data.bytes, data.sent, chunk, last && data.endStream);
            data.sent += chunk;
            connectionSendWindow -= chunk;
            stream.sendWindow -= chunk;
            stream.queuedDataBytes -= chunk;
            if (writer.length() >= 64 * 1024) {
                flush();
            }
            if (last) {
                stream.queue.poll();
                if (data.endStream) {
                    endOfResponse(stream);
                    return true;
                }
            }
            if (!stream.isWritable()) {
                stream.wasUnwritable = true;
            } else if (stream.wasUnwritable) {
                stream.wasUnwritable = false;
                listener.onWritable(stream);
            }
        }
        return true;
    }

    private void writeDataFrame(int streamId, byte[] bytes, int offset, int length, boolean endStream) {
        if (length >= DIRECT_DATA_BYTES) {
            // A big payload goes from the caller's array to the connection's output, not
            // through the frame writer first: one copy of it fewer. The frame's header and
            // whatever the writer holds leave before it, so the order on the wire stays.
            writer.header(length, Frames.DATA, endStream ? Frames.FLAG_END_STREAM : 0, streamId);
            out.write(writer.array(), 0, writer.length());
            writer.clear();
            out.write(bytes, offset, length);
        } else {
            writer.data(streamId, bytes, offset, length, endStream);
        }
    }

    /**
     * Writes body bytes to the connection at once, without queueing a copy of them, when
     * nothing but the stream's head waits before them and the flow-control windows and the
     * output take all of them now (the common case: a response that fits the windows). The
     * head is written first. Returns false, having written nothing, when they must be queued.
     */
    boolean writeDataNow(Http2Stream stream, byte[] src, int offset, int length, boolean endStream) {
        if (state == State.CLOSED || !out.isWritable() || length > Math.min(connectionSendWindow, stream.sendWindow)) {
            return false;
        }
        int waiting = stream.queue.size();
        if (waiting > 1 || (waiting == 1 && !(stream.queue.peek() instanceof Http2Stream.QueuedHeaders))) {
            return false;
        }
        if (waiting == 1) {
            writeStream(stream); // only the head: it leaves first, the stream's order on the wire stays
        }
        int maxFrame = peerSettings.maxFrameSize();
        int sent = 0;
        do {
            int chunk = Math.min(length - sent, maxFrame);
            writeDataFrame(stream.id(), src, offset + sent, chunk, endStream && sent + chunk == length);
            sent += chunk;
        } while (sent < length);
        connectionSendWindow -= length;
        stream.sendWindow -= length;
        if (endStream) {
            endOfResponse(stream);
        }
        if (writer.length() >= 64 * 1024) {
            flush();
        }
        return true;
    }

    private void endOfResponse(Http2Stream stream) {
        if (stream.state == Http2Stream.State.HALF_CLOSED_REMOTE) {
            stream.state = Http2Stream.State.CLOSED;
            remove(stream);
        } else if (stream.state == Http2Stream.State.OPEN) {
            stream.state = Http2Stream.State.HALF_CLOSED_LOCAL;
        }
    }

    private void flush() {
        if (writer.length() > 0) {
            out.write(writer.array(), 0, writer.length());
            writer.clear();
        }
        out.flush();
    }

    private void fail(Http2Exception e) {
        if (state == State.CLOSED) {
            return;
        }
        writer.goAway(lastStreamId, e.error(), e.getMessage());
        flush();
        state = State.CLOSED;
        for (Http2Stream stream : streams.values().toArray(new Http2Stream[0])) {
            stream.state = Http2Stream.State.CLOSED;
            listener.onReset(stream, e.error());
        }
        streams.clear();
        out.close();
    }

    private void countReset() throws Http2Exception {
        long now = System.nanoTime();
        if (now - resetWindowStartNs > config.resetWindow().toNanos()) {
            resetWindowStartNs = now;
            resetsInWindow = 0;
        }
        if (++resetsInWindow > config.maxResetsPerWindow()) {
            throw Http2Exception.connection(Http2Error.ENHANCE_YOUR_CALM, "more than " + config.maxResetsPerWindow()
                    + " streams reset or refused in " + config.resetWindow().toSeconds() + " s");
        }
    }

    private void countControlFrame() throws Http2Exception {
        long now = System.nanoTime();
        if (now - controlWindowStartNs > SECOND_NS) {
            controlWindowStartNs = now;
            controlFramesInWindow = 0;
        }
        if (++controlFramesInWindow > config.maxControlFramesPerSecond()) {
            throw Http2Exception.connection(Http2Error.ENHANCE_YOUR_CALM, "more than " + config.maxControlFramesPerSecond()
                    + " control frames in a second");
        }
    }

    // ---- header blocks -----------------------------------------------------------------------

    private boolean decode(byte[] block, int length, Http2Fields into, boolean trailers) throws Http2Exception {
        fieldsSink.begin(into, trailers);
        boolean complete;
        try {
            complete = decoder.decode(block, 0, length, fieldsSink);
        } catch (HpackException e) {
            throw Http2Exception.connection(Http2Error.COMPRESSION_ERROR, e.getMessage());
        }
        if (complete && !trailers) {
            fieldsSink.finishRequest();
        }
        return complete;
    }

    /** Decodes a block only to keep the HPACK table in step. */
    private void decodeDiscarding(byte[] block, int length) throws Http2Exception {
        decode(block, length, new Http2Fields(), true);
    }
}
