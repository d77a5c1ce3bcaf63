package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.engine.tls.SecureConnection;
import io.ringbolt.engine.Reactor;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.ChunkedEncoder;
import io.ringbolt.http.codec.RequestHead;
import io.ringbolt.http.codec.RequestParser;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 side of one connection: parses every complete request in the received bytes,
 * routes it, reads its body, runs the handler and writes the response, then flushes once per
 * read, so pipelined responses leave together.
 *
 * <p>Bytes stay where the engine received them: a head still incomplete is left unconsumed
 * and presented again; a request whose head and body are complete is handled in place. Bytes
 * are copied only when they must outlive the read: the head of a body that spans reads, a
 * body that spans reads, and a request handed to a virtual thread or deferred. Input that
 * arrives while a response is outstanding is left to the engine, which keeps it (within the
 * memory budget) and presents it again when the response is done ({@code replayKeptInput}),
 * so later requests wait and responses stay in order.
 *
 * <p>Back-pressure runs through the pipeline: no further request is parsed while the
 * connection's output is above its high water mark (reading pauses too), so a client that
 * pipelines and never reads holds at most that much output and its kept input. Request bodies
 * grow with the bytes that arrive, reserved from the engine's memory budget; when it is short,
 * a new body gets 503 with {@code Retry-After} and a body under way pauses its connection
 * until memory frees up (503 after {@link #BUDGET_WAIT_NS}). Bodies must arrive within the
 * body timeout and, after a grace period, at the minimum rate, or get 408.
 *
 * <p>Reactor thread only, except where noted.
 */
final class HttpConnection implements ConnectionHandler, ConnectionTimer.Expiry, ResponseOwner {
    static final System.Logger LOG = System.getLogger("io.ringbolt.http");
    private static final RateLimitedLog LISTENER_ERRORS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);
    /** UPGRADED: the connection was handed to another protocol's handler ({@link HttpResponse#upgrade}). */
    private static final int READ_HEAD = 0, READ_BODY = 1, HANDLING = 2, CLOSED = 3, UPGRADED = 4;
    private static final byte[] CRLF = {'\r', '\n'};
    /** Input kept while a response is outstanding, above which reading pauses. */
    private static final int PENDING_PAUSE_BYTES = 256 * 1024;
    /** Read-pause reasons: output above its high water mark, input piled up behind a response, no memory for a body. */
    private static final int PAUSED_FOR_OUTPUT = 1, PAUSED_FOR_PENDING = 2, PAUSED_FOR_BUDGET = 4;
    /** First wait of a body paused for memory before it tries again; doubles per try, up to 1 s. */
    private static final long BUDGET_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long BUDGET_RETRY_MAX_NS = TimeUnit.SECONDS.toNanos(1);
    /** How long a body may wait for memory before it is answered 503. */
    static final long BUDGET_WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    /** {@code Retry-After} of a 503 for want of memory, in seconds. */
    private static final int BUDGET_RETRY_AFTER_SECONDS = 1;

    /** At shutdown, how long a connection that has not started its first request gets to start it. */
    static final long FIRST_REQUEST_SHUTDOWN_WAIT_NS = TimeUnit.SECONDS.toNanos(1);

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
    private final Runnable budgetRetryTask = this::retryBody;
    private final BodyReader body;
    private final long headerTimeoutNs;
    private final long keepAliveTimeoutNs;
    private final long bodyTimeoutNs;
    private final long bodyRateGraceNs;
    private final long bodyMinRate;
    /** Told of every finished response; empty (and then skipped) when none is registered. */
    private final CompletionListener[] completionListeners;

    private int phase = READ_HEAD;
    /** No byte has been processed yet: the HTTP/2 client preface is still possible. */
    private boolean firstRead = true;
    private long headStartNs;
    private boolean closeAfterResponse;
    private boolean shutdownRequested;
    /** Whether a response has completed: a connection closed at shutdown before its first request fails its client. */
    private boolean answeredOnce;
    /** Why reading is paused: a set of {@code PAUSED_FOR_*} bits; reading runs when it is empty. */
    private int readPauses;
    /** When the current body started waiting for memory (0: not waiting). */
    private long budgetWaitStartNs;
    /** The current wait between tries for memory. */
    private long budgetRetryNs;
    /** When the current body's head ended. */
    private long bodyStartNs;

    private boolean bodyOwned;
    private ByteBuf headCopy;
    private boolean headOwned;

    private boolean streaming;
    private boolean streamChunked;
    private boolean streamClose;
    /** Foreign-thread stream writes staged while the output was above its high water mark: their credits go back when it drains. */
    private int heldWriteCredits;
    private java.util.concurrent.Semaphore heldCreditsOf;
    /** A stream producer's continuation, run when the output drains ({@link ResponseStream#onWritable}). */
    private Runnable writableTask;

    /** True from a parsed head until its response is finished: a request the completion listeners hear of. */
    private boolean requestOpen;
    /** When the current request's head was parsed (only kept when there are completion listeners). */
    private long requestStartNs;
    /** This reactor's HTTP metrics. */
    private final HttpMetricsRecorder metrics;
    /** Bytes of the current response handed to the connection so far. */
    private long responseBytes;

    HttpConnection(HttpServer server, Connection connection) {
        this.server = server;
        this.options = server.options();
        this.connection = connection;
        this.reactor = connection.reactor();
        this.parser = new RequestParser(options.maxTargetBytes(), options.maxHeadBytes(), options.maxHeaderCount());
        this.head = parser.head();
        this.request = new HttpRequest(connection, head);
        this.request.jsonMapper = server.jsonMapper();
        this.response = new HttpResponse(this);
        this.timer = new ConnectionTimer(reactor, this);
        this.body = new BodyReader(options.maxHeadBytes(), options.maxHeaderCount(), reactor.memoryBudget());
        this.headerTimeoutNs = options.headerTimeout().toNanos();
        this.keepAliveTimeoutNs = options.keepAliveTimeout().toNanos();
        this.bodyTimeoutNs = options.bodyTimeout().toNanos();
        this.bodyRateGraceNs = options.bodyRateGrace().toNanos();
        this.bodyMinRate = options.bodyMinRate();
        this.completionListeners = server.completionListeners();
        this.metrics = server.recorder(reactor);
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
        if (phase == HANDLING) {
            // Busy with a response: the engine keeps this input and presents it again once the
            // response is done. Past a bound, stop reading until then.
            if (length > PENDING_PAUSE_BYTES) {
                pauseReading(PAUSED_FOR_PENDING, true);
            }
            return 0;
        }
        if (firstRead && connection instanceof SecureConnection tls && "h2".equals(tls.applicationProtocol())) {
            // ALPN chose h2 (RFC 9113 §3.2): the bytes from here on are the HTTP/2 preface and frames.
            firstRead = false;
            phase = CLOSED;
            timer.cancel();
            body.release();
            connection.handOver(server.newHttp2Handler(connection));
            return 0;
        }
        if (firstRead) {
            int preface = Http2Connection.prefaceMatch(data);
            if (preface == 0) {
                return 0; // "PRI * HTTP/2.0…" still arriving
            }
            firstRead = false;
            if (preface > 0 && server.h2cPriorKnowledge()) {
                phase = CLOSED;
                timer.cancel();
                body.release();
                connection.handOver(server.newHttp2Handler(connection));
                return 0;
            }
        }
        int consumed = process(data.segment(), data.segmentOffset(), length);
        if (phase == UPGRADED) {
            return consumed;
        }
        afterInput();
        return phase == CLOSED ? length : consumed;
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        pauseReading(PAUSED_FOR_OUTPUT, !writable);
        if (writable && phase == READ_HEAD) {
            afterInput(); // the keep-alive timer, which waited while output was stuck
        }
        if (writable) {
            returnHeldCredits();
            Runnable task = writableTask;
            if (task != null) {
                writableTask = null;
                task.run();
            }
        }
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
        // An idle keep-alive connection is closed now (its client retries on a new one). A new
        // connection has a request on its way (accepted just before the listener closed during
        // a rolling restart): it is answered with Connection: close if the request starts within
        // FIRST_REQUEST_SHUTDOWN_WAIT, so a speculative connection that never sends one holds
        // the stop up only that long.
        if (phase == READ_HEAD && !parser.inProgress()) {
            if (answeredOnce) {
                connection.close();
                return;
            }
            timer.set(ConnectionTimer.Kind.IDLE, reactor.nanoTime() + Math.min(headerTimeoutNs, FIRST_REQUEST_SHUTDOWN_WAIT_NS));
        }
        closeAfterResponse = true;
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        if (requestOpen) {
            requestOpen = false;
            metrics.abandoned();
        }
        phase = CLOSED;
        timer.cancel();
        body.release();
        headCopy = null;
        writableTask = null;
        ResponseStream s = response.stream;
        if (s != null) {
            s.connectionClosed();
        }
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
                if (!connection.isWritable()) {
                    break; // back-pressure: the next request waits until the output drains
                }
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
            } else if (phase == READ_BODY && (readPauses & PAUSED_FOR_BUDGET) == 0) {
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
        requestOpen = true;
        responseBytes = 0;
        requestStartNs = reactor.nanoTime();
        metrics.started();
        if (head.method() == HttpMethod.CONNECT) {
            reject(HttpStatus.NOT_IMPLEMENTED, "CONNECT is not supported");
            return length;
        }
        if (server.h2cUpgrade() && H2cUpgrade.requested(head)) {
            byte[] settings = H2cUpgrade.settings(head);
            if (settings != null) {
                ResponseWriter.writeSwitchingToH2c(connection);
                upgraded();
                phase = UPGRADED;
                timer.cancel();
                body.release();
                connection.handOver(new Http2Connection(server, connection, server.http2(), settings,
                        H2cUpgrade.requestFields(head)));
                return pos;
            }
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
            responseBytes += ResponseWriter.writeContinue(connection);
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
        bodyStartNs = reactor.nanoTime();
        budgetWaitStartNs = 0;
        return pos;
    }

    private int readBody(MemorySegment segment, long base, int pos, int length) {
        pos = body.read(segment, base, pos, length);
        switch (body.status()) {
            case BodyReader.ERROR -> {
                reject(body.errorStatus(), body.errorReason());
                return length;
            }
            case BodyReader.NO_MEMORY -> {
                waitForMemory();
                return pos;
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
            if (!detachRequest()) {
                return;
            }
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

    /**
     * An exception that no guard of the chain answered: one thrown after a streamed head went
     * out, or by a body sink (which runs outside the chain).
     */
    private void failed(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        if (streaming || response.stream != null) {
            ExceptionDispatch.log(request, t, false);
            // The head is gone; the only honest signal left is an aborted connection.
            reactor.execute(connection::abort);
            closeAfterResponse = true;
            response.streamFinished();
            return;
        }
        server.exceptionDispatch().answerOutsideChain(request, response, t);
    }

    /** The handler deferred its response: copy the request now, before it is handed to another thread. */
    @Override
    public void onDefer() {
        if (phase == HANDLING && reactor.inReactorThread()) {
            detachRequest();
        }
    }

    /** A deferred response was completed (any thread): finish it on the reactor. */
    @Override
    public void completeLater() {
        reactor.execute(completeTask);
    }

    private void completeOnReactor() {
        if (phase != HANDLING) {
            return;
        }
        complete();
        if (phase == READ_HEAD) {
            connection.replayKeptInput(); // requests pipelined behind this one
        }
        if (phase != HANDLING) {
            pauseReading(PAUSED_FOR_PENDING, false);
        }
        afterInput();
    }

    /** Writes the response (unless streamed) and gets ready for the next request. */
    private void complete() {
        if (response.upgradeHandler != null) {
            switchProtocols();
            return;
        }
        boolean close;
        if (streaming) {
            close = streamClose;
            streaming = false;
            returnHeldCredits();
            writableTask = null;
        } else {
            close = closeAfterResponse || response.closeRequested || !head.isKeepAlive() || shutdownRequested;
            responseBytes += ResponseWriter.write(connection, request, response, close, server);
        }
        finished(response.status);
        parser.reset();
        body.trim();
        answeredOnce = true;
        if (close) {
            phase = CLOSED;
            connection.close();
        } else {
            phase = READ_HEAD;
        }
    }

    /**
     * Writes the 101 and hands the connection over; the bytes after this request's head (the
     * new protocol's first bytes) are left unconsumed, so the engine presents them to the next
     * handler at once. A request with a body, or one the server must close after, is refused.
     */
    private void switchProtocols() {
        ConnectionHandler next = response.upgradeHandler;
        if (request.bodyLength() > 0 || head.isChunked() || closeAfterResponse || shutdownRequested) {
            response.reset();
            reject(shutdownRequested ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_REQUEST,
                    shutdownRequested ? "shutting down" : "a request with a body cannot switch protocols");
            return;
        }
        ResponseWriter.writeUpgrade(connection, response, server.serverLine());
        upgraded();
        phase = UPGRADED;
        timer.cancel();
        body.release();
        headCopy = null;
        if (!connection.handOver(next)) {
            phase = CLOSED;
        }
    }

    // ---- streamed responses ----------------------------------------------------------------------

    @Override
    public void startStream(HttpResponse res) {
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
        long length = response.streamLength;
        streamChunked = length < 0 && head.version() == HttpVersion.HTTP_1_1;
        streamClose = (length < 0 && !streamChunked) || closeAfterResponse || response.closeRequested
                || !head.isKeepAlive() || shutdownRequested;
        responseBytes += ResponseWriter.writeStreamHead(connection, request, response, streamChunked, length, streamClose,
                server.serverLine());
        connection.flush();
    }

    /**
     * Writes a piece of the streamed body. Off the reactor the bytes are copied and staged by a
     * task, which flushes and then returns the writer's credit, or holds it while the output is
     * above its high water mark ({@link ResponseStream} blocks its writer on those credits).
     */
    @Override
    public void streamWrite(byte[] data, int offset, int length, java.util.concurrent.Semaphore credits) {
        if (reactor.inReactorThread()) {
            writeChunk(data, offset, length);
            if (credits != null) {
                credits.release();
            }
        } else {
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
            reactor.execute(() -> {
                writeChunk(copy, 0, copy.length);
                connection.flush();
                if (credits == null || phase == CLOSED || connection.isWritable()) {
                    if (credits != null) {
                        credits.release();
                    }
                } else {
                    heldCreditsOf = credits;
                    heldWriteCredits++;
                }
            });
        }
    }

    private void returnHeldCredits() {
        if (heldWriteCredits > 0) {
            heldCreditsOf.release(heldWriteCredits);
            heldWriteCredits = 0;
            heldCreditsOf = null;
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
            responseBytes += frame.length() + length + 2;
        } else {
            connection.write(data, offset, length);
            responseBytes += length;
        }
    }

    @Override
    public void streamFlush() {
        connection.flush();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public void streamOnWritable(Runnable task) {
        if (!reactor.inReactorThread()) {
            reactor.execute(() -> streamOnWritable(task));
            return;
        }
        if (phase == CLOSED) {
            return;
        }
        if (connection.isWritable()) {
            writableTask = null;
            reactor.execute(() -> {
                if (phase != CLOSED) {
                    task.run();
                }
            });
        } else {
            writableTask = task;
        }
    }

    /** Ends the stream: {@code abort} resets the connection, {@code shortBody} does when a body was due. */
    @Override
    public void streamEnd(HttpResponse res, boolean shortBody, boolean abort) {
        if (reactor.inReactorThread()) {
            endStream(res, shortBody, abort);
        } else {
            reactor.execute(() -> endStream(res, shortBody, abort));
        }
    }

    private void endStream(HttpResponse res, boolean shortBody, boolean abort) {
        if (abort || (shortBody && phase == HANDLING && streaming && streamHasBody())) {
            // The head promised a body this stream cannot deliver: a reset is the only honest end.
            closeAfterResponse = true;
            streamClose = true;
            connection.abort();
        } else if (phase == HANDLING && streaming && streamChunked && streamHasBody()) {
            connection.write(ChunkedEncoder.LAST_CHUNK, 0, ChunkedEncoder.LAST_CHUNK.length);
            responseBytes += ChunkedEncoder.LAST_CHUNK.length;
        }
        res.streamFinished();
    }

    private boolean streamHasBody() {
        return head.method() != HttpMethod.HEAD && !HttpStatus.isBodiless(response.status);
    }

    // ---- memory ------------------------------------------------------------------------------------

    /**
     * The budget cannot hold more of this body now. A body that has nothing yet is a new one:
     * 503 at once, so that new work is shed before work under way. One under way pauses reading
     * (its bytes stay in the socket, pushing back on the client) and tries again shortly, up to
     * {@link #BUDGET_WAIT_NS}; then it is answered 503 too, which frees what it held.
     */
    private void waitForMemory() {
        long now = reactor.nanoTime();
        if (!body.hasReceived() || (budgetWaitStartNs != 0 && now - budgetWaitStartNs >= BUDGET_WAIT_NS)) {
            rejectForMemory();
            return;
        }
        if (budgetWaitStartNs == 0) {
            budgetWaitStartNs = now;
            budgetRetryNs = BUDGET_RETRY_NS;
        } else {
            budgetRetryNs = Math.min(BUDGET_RETRY_MAX_NS, budgetRetryNs * 2);
        }
        if ((readPauses & PAUSED_FOR_BUDGET) == 0) {
            pauseReading(PAUSED_FOR_BUDGET, true);
            // Backing off keeps thousands of waiting connections from polling the budget.
            long delayNs = Math.min(budgetRetryNs, budgetWaitStartNs + BUDGET_WAIT_NS - now);
            reactor.schedule(Math.max(0, delayNs), TimeUnit.NANOSECONDS, budgetRetryTask);
        }
    }

    /** Reading resumes; the engine presents the kept body bytes again, and they get another try. */
    private void retryBody() {
        if (phase == READ_BODY) {
            pauseReading(PAUSED_FOR_BUDGET, false);
        }
    }

    private void rejectForMemory() {
        if (phase == CLOSED) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + connection.id() + ": 503, memory budget exhausted ("
                + reactor.memoryBudget() + ")");
        responseBytes += ResponseWriter.writeError(connection, HttpStatus.SERVICE_UNAVAILABLE, "server busy, retry later",
                server.serverLine(), BUDGET_RETRY_AFTER_SECONDS);
        finished(HttpStatus.SERVICE_UNAVAILABLE);
        phase = CLOSED;
        body.release();
        connection.close();
    }

    // ---- input owned by this connection --------------------------------------------------------------

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

    /**
     * Copies head and body so the request outlives this read (virtual thread, deferred response).
     *
     * @return false if the memory budget could not hold the body: the request was answered 503
     */
    private boolean detachRequest() {
        detachHead(head.segment(), head.base());
        if (!bodyOwned && request.bodyLength() > 0 && request.bodySink() == null) {
            ByteBuf b = body.copy(request.bodySegment(), request.bodyOffset(), (int) request.bodyLength());
            if (b == null) {
                rejectForMemory();
                return false;
            }
            request.body(MemorySegment.ofArray(b.array()), 0, b.length());
            bodyOwned = true;
        }
        return true;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private void reject(int status, String reason) {
        if (phase == CLOSED) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + connection.id() + ": " + status + " " + reason);
        responseBytes += ResponseWriter.writeError(connection, status, reason, server.serverLine());
        metrics.rejected(status);
        finished(status);
        phase = CLOSED;
        connection.close();
    }

    private void afterInput() {
        connection.flush();
        long now = reactor.nanoTime();
        switch (phase) {
            case READ_HEAD -> {
                if (parser.inProgress()) {
                    if (headStartNs == 0) {
                        headStartNs = now;
                    }
                    timer.set(ConnectionTimer.Kind.HEADER, headStartNs + headerTimeoutNs);
                } else if ((readPauses & PAUSED_FOR_OUTPUT) != 0) {
                    // Requests wait behind output the peer is slow to take; the engine's write
                    // timeout guards that, and the keep-alive clock starts when it drains.
                    timer.clear();
                } else {
                    timer.set(ConnectionTimer.Kind.IDLE, now + keepAliveTimeoutNs);
                }
            }
            case READ_BODY -> timer.set(ConnectionTimer.Kind.BODY, bodyDeadlineNs());
            case HANDLING -> timer.clear();
            default -> timer.cancel();
        }
    }

    /**
     * The body must end within the body timeout, and once the grace period is over it must have
     * averaged the minimum rate: each byte received buys {@code 1 / bodyMinRate} s more.
     */
    private long bodyDeadlineNs() {
        long total = bodyStartNs + bodyTimeoutNs;
        if (bodyMinRate <= 0) {
            return total;
        }
        long earnedNs = (long) (body.receivedBytes() * (1e9 / bodyMinRate));
        return Math.min(total, bodyStartNs + Math.max(bodyRateGraceNs, earnedNs));
    }

    /** Adds or removes one reason to pause reading; the connection reads while none is left. */
    private void pauseReading(int reason, boolean paused) {
        int before = readPauses;
        readPauses = paused ? before | reason : before & ~reason;
        // Once upgraded, reading belongs to the next protocol's handler.
        if (phase != CLOSED && phase != UPGRADED && (before == 0) != (readPauses == 0)) {
            connection.setReadEnabled(readPauses == 0);
        }
    }

    /** The request switched protocols (101): it counts as finished in the metrics (listeners are not told). */
    private void upgraded() {
        if (requestOpen) {
            requestOpen = false;
            metrics.finished(request.method(), HttpStatus.SWITCHING_PROTOCOLS, reactor.nanoTime() - requestStartNs, true);
        }
    }

    /**
     * The response to the current request is written: tells the completion listeners, if the
     * request got that far (a head was parsed) and was not reported yet. Reactor thread.
     */
    private void finished(int status) {
        if (!requestOpen) {
            return;
        }
        requestOpen = false;
        long durationNs = reactor.nanoTime() - requestStartNs;
        metrics.finished(request.method(), status, durationNs, true);
        CompletionListener[] listeners = completionListeners;
        if (listeners.length == 0) {
            return;
        }
        for (CompletionListener l : listeners) {
            try {
                l.onComplete(request, status, responseBytes, durationNs);
            } catch (RuntimeException e) {
                int key = e.getClass().hashCode();
                if (LISTENER_ERRORS.isDue(key)) {
                    LISTENER_ERRORS.log(key, request + ": completion listener threw", e);
                }
            }
        }
    }

    @Override
    public io.ringbolt.http.json.JsonMapper jsonMapper() {
        return server.jsonMapper();
    }

    @Override
    public boolean onReactorThread() {
        return reactor.inReactorThread();
    }

    @Override
    public boolean isOpen() {
        return phase != CLOSED && connection.isOpen();
    }
}
