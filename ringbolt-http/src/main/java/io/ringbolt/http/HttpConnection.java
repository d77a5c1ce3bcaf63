package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Reactor;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.ChunkedEncoder;
import io.ringbolt.http.codec.RequestHead;
import io.ringbolt.http.codec.RequestParser;

import java.lang.foreign.MemorySegment;

/**
 * The HTTP/1.1 side of one connection: parses every complete request in the received bytes,
 * routes it, reads its body, runs the handler and writes the response, then flushes once per
 * read, so pipelined responses leave together.
 *
 * <p>Bytes stay where the engine received them: a head still incomplete is left unconsumed
 * and presented again; a request whose head and body are complete is handled in place. Bytes
 * are copied only when they must outlive the read: the head of a body that spans reads, a
 * body that spans reads, a request handed to a virtual thread or deferred, and the input that
 * arrives while a response is outstanding (later requests wait for it, keeping responses in
 * order). That input is kept here rather than left unconsumed in the engine: the engine only
 * presents kept bytes again after reading is paused and resumed, and toggling reads for every
 * deferred or blocking request would cost system calls even when nothing is pipelined behind
 * it; reading pauses only when the kept input grows large.
 *
 * <p>Reactor thread only, except where noted.
 */
final class HttpConnection implements ConnectionHandler, ConnectionTimer.Expiry {
    static final System.Logger LOG = System.getLogger("io.ringbolt.http");
    private static final int READ_HEAD = 0, READ_BODY = 1, HANDLING = 2, CLOSED = 3;
    private static final byte[] CRLF = {'\r', '\n'};
    /** Input taken while a response is outstanding, above which reading pauses. */
    private static final int PENDING_PAUSE_BYTES = 256 * 1024;

    private final HttpServer server;
    private final HttpOptions options;
    private final Connection connection;
    private final Reactor reactor;
    private final RequestParser parser;
    private final RequestHead head;
    private final HttpRequest request;
    private final HttpResponse response;
    private final ConnectionTimer timer;
    private final Runnable completeTask = this::completeOnReactor;
    private final Runnable blockingTask = this::runBlocking;
    private final BodyReader body;
    private final long headerTimeoutNs;
    private final long keepAliveTimeoutNs;

    private int phase = READ_HEAD;
    private long headStartNs;
    private boolean closeAfterResponse;
    private boolean shutdownRequested;
    private boolean readPausedForOutput;
    private boolean readPausedForPending;

    private boolean bodyOwned;
    private ByteBuf headCopy;
    private boolean headOwned;
    private ByteBuf pending;

    private boolean streaming;
    private boolean streamChunked;
    private boolean streamClose;

    HttpConnection(HttpServer server, Connection connection) {
        this.server = server;
        this.options = server.options();
        this.connection = connection;
        this.reactor = connection.reactor();
        this.parser = new RequestParser(options.maxTargetBytes(), options.maxHeadBytes(), options.maxHeaderCount());
        this.head = parser.head();
        this.request = new HttpRequest(connection, head);
        this.response = new HttpResponse(this);
        this.timer = new ConnectionTimer(reactor, this);
        this.body = new BodyReader(options.maxHeadBytes(), options.maxHeaderCount());
        this.headerTimeoutNs = options.headerTimeout().toNanos();
        this.keepAliveTimeoutNs = options.keepAliveTimeout().toNanos();
    }

    // ---- engine callbacks ----------------------------------------------------------------------

    @Override
    public void onOpen(Connection c) {
        timer.set(ConnectionTimer.Kind.IDLE, reactor.nanoTime() + headerTimeoutNs);
    }

    @Override
    public int onData(Connection c, ByteView data) {
        int length = data.length();
        if (phase == CLOSED) {
            return length;
        }
        if (phase == HANDLING || hasPending()) {
            pending().write(data.segment(), data.segmentOffset(), length);
            if (phase == HANDLING) {
                if (pending.length() > PENDING_PAUSE_BYTES && !readPausedForPending) {
                    readPausedForPending = true;
                    applyReadState();
                }
            } else {
                processPending();
            }
            afterInput();
            return length;
        }
        MemorySegment segment = data.segment();
        long base = data.segmentOffset();
        int consumed = process(segment, base, length);
        if (phase == HANDLING && consumed < length) {
            pending().write(segment, base + consumed, length - consumed);
            consumed = length;
        }
        afterInput();
        return phase == CLOSED ? length : consumed;
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        readPausedForOutput = !writable;
        applyReadState();
    }

    @Override
    public void onInputClosed(Connection c) {
        if (phase == HANDLING) {
            closeAfterResponse = true;
        } else {
            connection.close();
        }
    }

    @Override
    public void onShutdown(Connection c) {
        shutdownRequested = true;
        if (phase == READ_HEAD && !parser.inProgress() && !hasPending()) {
            connection.close();
        } else {
            closeAfterResponse = true;
        }
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        phase = CLOSED;
        timer.cancel();
        pending = null;
        headCopy = null;
    }

    @Override
    public void onTimeout(ConnectionTimer.Kind kind) {
        if (phase == CLOSED) {
            return;
        }
        if (kind == ConnectionTimer.Kind.IDLE) {
            phase = CLOSED;
            connection.close();
        } else if (phase == READ_HEAD || phase == READ_BODY) {
            reject(HttpStatus.REQUEST_TIMEOUT, kind == ConnectionTimer.Kind.HEADER
                    ? "request head not received in time" : "request body not received in time");
            connection.flush();
        }
    }

    // ---- the read loop ---------------------------------------------------------------------------

    /**
     * Handles every complete request in {@code [base, base + length)} of {@code segment}.
     *
     * @return bytes used; the rest is an incomplete head (or input behind an outstanding response)
     */
    private int process(MemorySegment segment, long base, int length) {
        int pos = 0;
        while (pos < length) {
            if (phase == READ_HEAD) {
                int r = parser.parse(segment, base + pos, length - pos);
                if (r == RequestParser.NEED_MORE) {
                    break;
                }
                if (r == RequestParser.ERROR) {
                    reject(parser.errorStatus(), parser.errorReason());
                    return length;
                }
                int headStart = pos;
                pos = onHead(segment, base, headStart, pos + r, length);
            } else if (phase == READ_BODY) {
                pos = readBody(segment, base, pos, length);
            } else {
                break;
            }
        }
        return phase == CLOSED ? length : pos;
    }

    private int onHead(MemorySegment segment, long base, int headStart, int pos, int length) {
        headStartNs = 0;
        headOwned = false;
        bodyOwned = false;
        request.begin();
        response.reset();
        if (head.method() == HttpMethod.CONNECT) {
            reject(HttpStatus.NOT_IMPLEMENTED, "CONNECT is not supported");
            return length;
        }
        server.routes().match(head, request.match);
        Route route = request.match.route;
        long contentLength = head.contentLength();
        boolean isChunked = head.isChunked();
        if (contentLength <= 0 && !isChunked) {
            request.body(MemorySegment.NULL, 0, 0);
            dispatch();
            return pos;
        }
        long limit = route.maxBodyBytes >= 0 ? route.maxBodyBytes : options.maxBodyBytes();
        if (contentLength > limit) {
            reject(HttpStatus.CONTENT_TOO_LARGE, "request body larger than " + limit + " bytes");
            return length;
        }
        if (route.sinkFactory == null && !isChunked && length - pos >= contentLength) {
            request.body(segment, base + pos, contentLength);
            dispatch();
            return pos + (int) contentLength;
        }
        boolean expectContinue = head.expectsContinue() && head.version() == HttpVersion.HTTP_1_1 && pos == length;
        if (expectContinue && route.isInternal()) {
            // RFC 9110 §10.1.1: answer with the final status instead of 100 and close, so the
            // client need not send a body nobody will read.
            closeAfterResponse = true;
            request.body(MemorySegment.NULL, 0, 0);
            dispatch();
            return length;
        }
        if (expectContinue) {
            ResponseWriter.writeContinue(connection);
            connection.flush();
        }
        detachHead(segment, base + headStart);
        BodySink sink = null;
        Throwable failure = null;
        if (route.sinkFactory != null) {
            try {
                sink = route.sinkFactory.create(request);
            } catch (Throwable t) {
                failure = t;
                sink = BodySink.DISCARD;
            }
        }
        body.start(isChunked, contentLength, limit, sink, failure);
        phase = READ_BODY;
        return pos;
    }

    private int readBody(MemorySegment segment, long base, int pos, int length) {
        pos = body.read(segment, base, pos, length);
        switch (body.status()) {
            case BodyReader.ERROR -> {
                reject(body.errorStatus(), body.errorReason());
                return length;
            }
            case BodyReader.DONE -> {
                bodyOwned = body.finishInto(request);
                dispatch();
            }
            default -> {
            }
        }
        return pos;
    }

    // ---- dispatch and completion ------------------------------------------------------------------

    private void dispatch() {
        phase = HANDLING;
        Throwable failure = body.takeSinkFailure();
        if (failure != null) {
            failed(failure);
            if (response.chainReturned()) {
                complete();
            }
            return;
        }
        if (request.match.route.blocking) {
            detachRequest();
            server.blockingExecutor().execute(blockingTask);
            return;
        }
        runChain();
        if (response.chainReturned()) {
            complete();
        } else if (phase == HANDLING) {
            detachRequest();
        }
    }

    private void runChain() {
        try {
            request.match.route.chain.handle(request, response);
        } catch (Throwable t) {
            failed(t);
        }
    }

    /** Runs on a virtual thread for a blocking route. */
    private void runBlocking() {
        runChain();
        if (response.chainReturned()) {
            reactor.execute(completeTask);
        }
    }

    private void failed(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        if (!(t instanceof HttpException)) {
            LOG.log(System.Logger.Level.WARNING, request + ": handler threw", t);
        }
        if (streaming) {
            // The head is gone; the only honest signal left is an aborted connection.
            reactor.execute(connection::abort);
            closeAfterResponse = true;
            response.streamFinished();
            return;
        }
        response.resetForError();
        try {
            server.errorHandler().onError(request, response, t);
        } catch (Throwable t2) {
            LOG.log(System.Logger.Level.WARNING, request + ": error handler threw", t2);
            response.resetForError();
            response.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(ContentType.TEXT_PLAIN)
                    .send("Internal Server Error\n");
        }
    }

    /** The handler deferred its response: copy the request now, before it is handed to another thread. */
    void onDefer() {
        if (phase == HANDLING && reactor.inReactorThread()) {
            detachRequest();
        }
    }

    /** A deferred response was completed (any thread): finish it on the reactor. */
    void completeLater() {
        reactor.execute(completeTask);
    }

    private void completeOnReactor() {
        if (phase != HANDLING) {
            return;
        }
        complete();
        if (phase == READ_HEAD && hasPending()) {
            processPending();
        }
        if (readPausedForPending && phase != HANDLING) {
            readPausedForPending = false;
            applyReadState();
        }
        afterInput();
    }

    /** Writes the response (unless streamed) and gets ready for the next request. */
    private void complete() {
        boolean close;
        if (streaming) {
            close = streamClose;
            streaming = false;
        } else {
            close = closeAfterResponse || response.closeRequested || !head.isKeepAlive() || shutdownRequested;
            ResponseWriter.write(connection, request, response, close, server);
        }
        parser.reset();
        body.trim();
        if (close) {
            phase = CLOSED;
            connection.close();
        } else {
            phase = READ_HEAD;
        }
    }

    // ---- streamed responses ----------------------------------------------------------------------

    void startStream(HttpResponse res) {
        if (reactor.inReactorThread()) {
            startStreamOnReactor();
        } else {
            reactor.execute(this::startStreamOnReactor);
        }
    }

    private void startStreamOnReactor() {
        if (phase != HANDLING || streaming) {
            return;
        }
        streaming = true;
        streamChunked = head.version() == HttpVersion.HTTP_1_1;
        streamClose = !streamChunked || closeAfterResponse || response.closeRequested || !head.isKeepAlive()
                || shutdownRequested;
        ResponseWriter.writeStreamHead(connection, request, response, streamChunked, streamClose, server.serverLine());
        connection.flush();
    }

    void streamWrite(byte[] data, int offset, int length) {
        if (reactor.inReactorThread()) {
            writeChunk(data, offset, length);
        } else {
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
            reactor.execute(() -> writeChunk(copy, 0, copy.length));
        }
    }

    private void writeChunk(byte[] data, int offset, int length) {
        if (phase != HANDLING || !streaming || !streamHasBody()) {
            return;
        }
        if (streamChunked) {
            ByteBuf frame = ResponseWriter.frameBuffer();
            ChunkedEncoder.writeChunkHeader(frame, length);
            connection.write(frame.array(), 0, frame.length());
            connection.write(data, offset, length);
            connection.write(CRLF, 0, 2);
        } else {
            connection.write(data, offset, length);
        }
    }

    void streamFlush() {
        connection.flush();
    }

    void streamEnd(HttpResponse res) {
        if (reactor.inReactorThread()) {
            endStream(res);
        } else {
            reactor.execute(() -> endStream(res));
        }
    }

    private void endStream(HttpResponse res) {
        if (phase == HANDLING && streaming && streamChunked && streamHasBody()) {
            connection.write(ChunkedEncoder.LAST_CHUNK, 0, ChunkedEncoder.LAST_CHUNK.length);
        }
        res.streamFinished();
    }

    private boolean streamHasBody() {
        return head.method() != HttpMethod.HEAD && !HttpStatus.isBodiless(response.status);
    }

    // ---- input owned by this connection --------------------------------------------------------------

    private boolean hasPending() {
        return pending != null && pending.length() > 0;
    }

    private ByteBuf pending() {
        if (pending == null) {
            pending = new ByteBuf(4096);
        }
        return pending;
    }

    private void processPending() {
        ByteBuf p = pending;
        int length = p.length();
        int consumed = process(MemorySegment.ofArray(p.array()), 0, length);
        if (phase == CLOSED || consumed >= length) {
            p.clear();
            return;
        }
        System.arraycopy(p.array(), consumed, p.array(), 0, length - consumed);
        p.setLength(length - consumed);
    }

    /** Copies the head to memory this connection owns, so it survives the received bytes. */
    private void detachHead(MemorySegment segment, long headAddress) {
        if (headOwned) {
            return;
        }
        ByteBuf copy = headCopy;
        if (copy == null) {
            copy = new ByteBuf(head.length());
            headCopy = copy;
        }
        copy.clear().write(segment, headAddress, head.length());
        head.relocate(MemorySegment.ofArray(copy.array()), 0);
        headOwned = true;
    }

    /** Copies head and body so the request outlives this read (virtual thread, deferred response). */
    private void detachRequest() {
        detachHead(head.segment(), head.base());
        if (!bodyOwned && request.bodyLength() > 0 && request.bodySink() == null) {
            ByteBuf b = body.buffer();
            b.clear().write(request.bodySegment(), request.bodyOffset(), (int) request.bodyLength());
            request.body(MemorySegment.ofArray(b.array()), 0, b.length());
            bodyOwned = true;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private void reject(int status, String reason) {
        if (phase == CLOSED) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + connection.id() + ": " + status + " " + reason);
        ResponseWriter.writeError(connection, status, reason, server.serverLine());
        phase = CLOSED;
        connection.close();
    }

    private void afterInput() {
        connection.flush();
        long now = reactor.nanoTime();
        switch (phase) {
            case READ_HEAD -> {
                if (parser.inProgress() || hasPending()) {
                    if (headStartNs == 0) {
                        headStartNs = now;
                    }
                    timer.set(ConnectionTimer.Kind.HEADER, headStartNs + headerTimeoutNs);
                } else {
                    timer.set(ConnectionTimer.Kind.IDLE, now + keepAliveTimeoutNs);
                }
            }
            case READ_BODY -> timer.set(ConnectionTimer.Kind.BODY, now + keepAliveTimeoutNs);
            case HANDLING -> timer.clear();
            default -> timer.cancel();
        }
    }

    private void applyReadState() {
        if (phase != CLOSED) {
            connection.setReadEnabled(!(readPausedForOutput || readPausedForPending));
        }
    }

    boolean onReactorThread() {
        return reactor.inReactorThread();
    }

    boolean isOpen() {
        return phase != CLOSED && connection.isOpen();
    }
}
