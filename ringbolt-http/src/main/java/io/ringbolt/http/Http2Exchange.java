package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.http.codec.AcceptEncoding;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.GzipEncoder;
import io.ringbolt.http.codec.HttpDate;
import io.ringbolt.http.codec.RequestHead;
import io.ringbolt.http.h2.Http2Error;
import io.ringbolt.http.h2.Http2Fields;
import io.ringbolt.http.h2.Http2Stream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * One HTTP/2 request stream seen through the exchange seam: it builds the
 * {@link HttpRequest} from the stream's fields, takes the body as HTTP/1.1 does (buffered up to
 * the route's limit or streamed to its {@link BodySink}, see {@link Http2RequestBody}), answers
 * {@code Expect: 100-continue} with an interim 100 or a final status, runs the route's chain (on a virtual thread for blocking routes), and
 * writes the {@link HttpResponse} as HEADERS and DATA. Reactor thread, except the
 * {@link ResponseOwner} calls that say "any thread".
 */
final class Http2Exchange implements ResponseOwner {
    private static final System.Logger LOG = System.getLogger(Http2Exchange.class.getName());

    private enum Phase { RECEIVING, HANDLING, STREAMING, DONE }

    private final Http2Connection owner;
    private final HttpServer server;
    private final Http2Stream stream;
    private HttpRequest request;
    private final HttpResponse response;
    private Phase phase = Phase.RECEIVING;
    /** The request body while it arrives; null before the head and after dispatch. */
    private Http2RequestBody body;
    private volatile boolean reset;
    private final long startNs;
    private long streamedBytes;
    /** A producer's credits held while the stream has no room (see ResponseStream). */
    private Semaphore heldCredits;
    private int heldCreditCount;
    private Runnable writableTask;
    /** Counted in the server's in-flight requests: from dispatch to its response, reset or connection close. */
    private boolean inFlight;

    Http2Exchange(Http2Connection owner, Http2Stream stream) {
        this.owner = owner;
        this.server = owner.server();
        this.stream = stream;
        this.response = new HttpResponse(this);
        this.startNs = owner.reactor().nanoTime();
    }

    void onRequest() {
        Http2Fields f = stream.requestFields();
        int regular = 0;
        String[] names = new String[f.size()];
        String[] values = new String[f.size()];
        for (int i = 0; i < f.size(); i++) {
            if (f.name(i).charAt(0) != ':') {
                names[regular] = f.name(i);
                values[regular] = f.value(i);
                regular++;
            }
        }
        RequestHead head = RequestHead.ofHttp2(f.get(":method"), f.get(":path"), f.get(":authority"), names, values, regular);
        if (head == null) {
            answerEarly(HttpStatus.BAD_REQUEST, "invalid percent-encoding in :path");
            return;
        }
        request = new HttpRequest(owner.connection(), head);
        request.jsonMapper = server.jsonMapper();
        request.begin();
        server.routes().match(head, request.match);
        Route route = request.match.route;
        long limit = Http2RequestBody.limitOf(route, server.options());
        if (head.contentLength() > limit) {
            // Also the answer to Expect: 100-continue (RFC 9110 §10.1.1): a final status, no 100.
            answerEarly(HttpStatus.CONTENT_TOO_LARGE, "body exceeds " + limit + " bytes");
            return;
        }
        boolean bodyComing = stream.state() == Http2Stream.State.OPEN;
        if (bodyComing && head.expectsContinue()) {
            if (route.isInternal()) {
                // 404/405/...: answer now instead of 100, so the client need not send a body
                // nobody will read (see stopRequestBody).
                request.body(MemorySegment.NULL, 0, 0);
                dispatch(null);
                return;
            }
            // RFC 9113 §8.1: an interim response is a HEADERS frame without END_STREAM.
            stream.writeHeaders(new Http2Fields().add(":status", "100"), false);
            owner.flushSession();
        }
        BodySink sink = null;
        Throwable failure = null;
        if (route.sinkFactory != null) {
            try {
                sink = route.sinkFactory.create(request);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                failure = t;
                sink = BodySink.DISCARD;
            }
        }
        body = new Http2RequestBody(limit, head.contentLength(), sink, failure);
    }

    void onRequestData(ByteView data, int offset, int length) {
        if (phase != Phase.RECEIVING) {
            return;
        }
        if (!body.append(data, offset, length)) {
            answerEarly(HttpStatus.CONTENT_TOO_LARGE, "body exceeds " + Http2RequestBody.limitOf(request.match.route,
                    server.options()) + " bytes");
        }
    }

    void onRequestEnd() {
        if (phase != Phase.RECEIVING) {
            return;
        }
        Http2Fields trailers = stream.trailers();
        if (trailers != null && trailers.size() > 0) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < trailers.size(); i++) {
                lines.append(trailers.name(i)).append(": ").append(trailers.value(i)).append("\r\n");
            }
            request.trailers(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        body.finishInto(request);
        Throwable failure = body.takeSinkFailure();
        body = null;
        dispatch(failure);
    }

    /** Runs the route (on a virtual thread for blocking routes), or answers the sink's failure. */
    private void dispatch(Throwable sinkFailure) {
        phase = Phase.HANDLING;
        inFlight = true;
        server.recorder(owner.reactor()).started();
        if (sinkFailure != null) {
            failed(sinkFailure);
            if (response.chainReturned()) {
                complete();
            }
            return;
        }
        if (request.match.route.blocking) {
            server.blockingExecutor().execute(this::runBlocking);
            return;
        }
        runChain();
        if (response.chainReturned()) {
            complete();
        }
    }

    void onReset() {
        reset = true;
        phase = Phase.DONE;
        if (inFlight) {
            inFlight = false;
            server.recorder(owner.reactor()).abandoned();
        }
        releaseHeldCredits();
        writableTask = null;
    }

    private void runChain() {
        try {
            request.match.route.chain.handle(request, response);
        } catch (Throwable t) {
            failed(t);
        }
    }

    private void runBlocking() {
        runChain();
        if (response.chainReturned()) {
            owner.reactor().execute(this::completeOnReactor);
        }
    }

    private void failed(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        if (phase == Phase.STREAMING || response.stream != null) {
            ExceptionDispatch.log(request, t, false);
            // The head is gone; resetting the stream is the honest end (the connection lives on).
            owner.reactor().execute(() -> stream.reset(Http2Error.INTERNAL_ERROR));
            response.streamFinished();
            return;
        }
        server.exceptionDispatch().answerOutsideChain(request, response, t);
    }

    /** A status the application never sees (bad target, body too large); the stream ends. */
    private void answerEarly(int status, String detail) {
        phase = Phase.DONE;
        byte[] text = (status + " " + HttpStatus.reasonPhrase(status) + ": " + detail + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Http2Fields head = baseFields(status).add("content-type", "text/plain").add("content-length", Integer.toString(text.length));
        stream.writeHeaders(head, false);
        stream.writeData(text, 0, text.length, true);
        if (stream.state() != Http2Stream.State.HALF_CLOSED_REMOTE) {
            stopRequestBody();
        }
    }

    /**
     * After a complete response to a request whose body has not ended. A client that asked
     * {@code Expect: 100-continue} sends no body after a final status (RFC 9110 §10.1.1) and
     * closes its side itself (curl 7.88 takes a reset, even NO_ERROR, as a failed transfer), so
     * its stream stays open for that; any other client is told "stop sending, no error" with
     * RST_STREAM NO_ERROR (RFC 9113 §8.1). Body bytes still arriving are dropped either way.
     */
    private void stopRequestBody() {
        owner.flushSession();
        if (request == null || !request.head.expectsContinue()) {
            stream.reset(Http2Error.NO_ERROR);
        }
    }

    private void completeOnReactor() {
        if (phase == Phase.HANDLING) {
            complete();
            owner.flushSession();
        }
    }

    private void complete() {
        phase = Phase.DONE;
        if (reset) {
            return;
        }
        if (response.upgradeHandler != null) {
            // Switching protocols is an HTTP/1.1 mechanism (RFC 9113 §8.6): not on a stream.
            response.reset();
            response.status(HttpStatus.BAD_REQUEST).contentType(ContentType.TEXT_PLAIN)
                    .send("an HTTP/2 stream cannot switch protocols\n");
        }
        int status = response.status;
        boolean bodiless = HttpStatus.isBodiless(status);
        // The application's array is used in place (writeData copies only what must wait for
        // a window); strings and segments become an array made for this response.
        byte[] bytes;
        int offset = 0;
        int length;
        if (response.bodyKind == HttpResponse.BODY_BYTES) {
            bytes = response.bodyBytes;
            offset = response.bodyOffset;
            length = response.bodyLength;
        } else {
            bytes = bodyBytes();
            length = bytes.length;
        }
        boolean owned = response.bodyKind != HttpResponse.BODY_BYTES;
        Http2Fields fields = baseFields(status);
        addResponseFields(fields);
        Compression policy = response.compression;
        if (policy != null && !bodiless && length >= policy.minBytes() && response.contentType != null
                && response.contentType.isCompressible() && response.header("Content-Encoding") == null) {
            String[] codings = server.codings();
            int chosen = AcceptEncoding.choose(request.head, codings);
            if (response.header("Vary") == null) {
                fields.add("vary", "accept-encoding");
            }
            if (chosen >= 0) {
                ByteBuf z = new ByteBuf(Math.max(64, length / 2));
                boolean ok = true;
                if (chosen == codings.length - 1) {
                    try (GzipEncoder gzip = new GzipEncoder(policy.gzipLevel())) {
                        gzip.encode(bytes, offset, length, z);
                    }
                } else {
                    try {
                        server.encoder(chosen).encode(bytes, offset, length, z);
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                }
                if (ok) {
                    bytes = z.array();
                    offset = 0;
                    length = z.length();
                    owned = true;
                    fields.add("content-encoding", codings[chosen]);
                }
            }
        }
        if (!bodiless) {
            fields.add("content-length", ResponseStrings.decimal(length));
        }
        boolean sendBody = !bodiless && request.method() != HttpMethod.HEAD && length > 0;
        stream.writeHeaders(fields, !sendBody);
        if (sendBody && owned && offset == 0 && length == bytes.length) {
            stream.writeDataTaking(bytes, true); // made for this response
        } else if (sendBody) {
            stream.writeData(bytes, offset, length, true);
        }
        finished(status, sendBody ? length : 0);
        if (stream.state() == Http2Stream.State.OPEN || stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
            // Answered before the request's body ended (a refused Expect: 100-continue).
            stopRequestBody();
        }
    }

    /** Tells the router's completion listeners (body bytes only: HTTP/2 heads are HPACK-compressed). */
    private void finished(int status, long bodyBytes) {
        long durationNs = owner.reactor().nanoTime() - startNs;
        server.recorder(owner.reactor()).finished(request.method(), status, durationNs, inFlight);
        inFlight = false;
        CompletionListener[] listeners = server.completionListeners();
        if (listeners.length == 0) {
            return;
        }
        for (CompletionListener l : listeners) {
            try {
                l.onComplete(request, status, bodyBytes, durationNs);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, request + ": completion listener threw", e);
            }
        }
    }

    private byte[] bodyBytes() {
        return switch (response.bodyKind) {
            case HttpResponse.BODY_STRING -> response.bodyString.getBytes(StandardCharsets.UTF_8);
            case HttpResponse.BODY_SEGMENT -> response.bodySegment.asSlice(response.bodySegmentOffset, response.bodyLength)
                    .toArray(ValueLayout.JAVA_BYTE);
            default -> new byte[0];
        };
    }

    private Http2Fields baseFields(int status) {
        Http2Fields fields = new Http2Fields().add(":status", ResponseStrings.decimal(status));
        String serverName = server.options().serverName();
        if (serverName != null) {
            fields.add("server", serverName);
        }
        fields.add("date", ResponseStrings.date(HttpDate.dateFieldLine(owner.reactor().nanoTime())));
        return fields;
    }

    /** The response's own fields; connection-specific ones have no meaning in HTTP/2 (RFC 9113 §8.2.2). */
    private void addResponseFields(Http2Fields fields) {
        if (response.contentType != null) {
            fields.add("content-type", response.contentType.value());
        }
        for (int i = 0; i < response.headerCount; i++) {
            String name = response.names[i].toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                }
                default -> fields.add(name, response.values[i]);
            }
        }
    }

    // ---- ResponseOwner -------------------------------------------------------------------------

    @Override
    public boolean onReactorThread() {
        return owner.reactor().inReactorThread();
    }

    @Override
    public void onDefer() {
        // The request is already a copy (HTTP/2 fields and body are heap arrays): nothing to detach.
    }

    @Override
    public void completeLater() {
        owner.reactor().execute(this::completeOnReactor);
    }

    @Override
    public void startStream(HttpResponse res) {
        if (onReactorThread()) {
            startStreamOnReactor();
        } else {
            owner.reactor().execute(this::startStreamOnReactor);
        }
    }

    private void startStreamOnReactor() {
        if (phase != Phase.HANDLING || reset) {
            return;
        }
        phase = Phase.STREAMING;
        Http2Fields fields = baseFields(response.status);
        addResponseFields(fields);
        if (response.streamLength >= 0 && !HttpStatus.isBodiless(response.status)) {
            fields.add("content-length", Long.toString(response.streamLength));
        }
        boolean bodiless = !streamHasBody();
        stream.writeHeaders(fields, bodiless);
        owner.flushSession();
    }

    @Override
    public void streamWrite(byte[] data, int offset, int length, Semaphore credits) {
        if (onReactorThread()) {
            writeChunk(data, offset, length);
            if (credits != null) {
                credits.release();
            }
        } else {
            byte[] copy = Arrays.copyOfRange(data, offset, offset + length);
            owner.reactor().execute(() -> {
                writeChunk(copy, 0, copy.length);
                owner.flushSession();
                if (credits == null) {
                    return;
                }
                if (reset || phase != Phase.STREAMING || isWritable()) {
                    credits.release();
                } else {
                    heldCredits = credits;
                    heldCreditCount++;
                }
            });
        }
    }

    private void writeChunk(byte[] data, int offset, int length) {
        if (phase != Phase.STREAMING || reset || !streamHasBody()) {
            return;
        }
        stream.writeData(data, offset, length, false);
        streamedBytes += length;
    }

    private boolean streamHasBody() {
        return !HttpStatus.isBodiless(response.status) && request.method() != HttpMethod.HEAD;
    }

    @Override
    public void streamFlush() {
        if (onReactorThread()) {
            owner.flushSession();
        } else {
            owner.reactor().execute(owner::flushSession);
        }
    }

    @Override
    public boolean isWritable() {
        return stream.isWritable() && owner.connection().isWritable();
    }

    @Override
    public void streamOnWritable(Runnable task) {
        if (!onReactorThread()) {
            owner.reactor().execute(() -> streamOnWritable(task));
            return;
        }
        if (reset) {
            return;
        }
        if (isWritable()) {
            writableTask = null;
            owner.reactor().execute(() -> {
                if (!reset) {
                    task.run();
                }
            });
        } else {
            writableTask = task;
        }
    }

    /** The stream's queued data drained (or the connection's output did): resume producers. */
    void onWritable() {
        if (!isWritable()) {
            return;
        }
        releaseHeldCredits();
        Runnable task = writableTask;
        writableTask = null;
        if (task != null && !reset) {
            task.run();
        }
    }

    private void releaseHeldCredits() {
        if (heldCreditCount > 0) {
            heldCredits.release(heldCreditCount);
            heldCreditCount = 0;
            heldCredits = null;
        }
    }

    @Override
    public void streamEnd(HttpResponse res, boolean shortBody, boolean abort) {
        if (onReactorThread()) {
            endStream(res, shortBody, abort);
        } else {
            owner.reactor().execute(() -> endStream(res, shortBody, abort));
        }
    }

    private void endStream(HttpResponse res, boolean shortBody, boolean abort) {
        if (phase == Phase.STREAMING && !reset) {
            if (abort || (shortBody && streamHasBody())) {
                // The head promised a body that will not come: RST_STREAM is HTTP/2's honest end.
                stream.reset(Http2Error.INTERNAL_ERROR);
            } else if (streamHasBody()) {
                stream.writeData(new byte[0], 0, 0, true);
            }
        }
        releaseHeldCredits();
        res.streamFinished();
        owner.flushSession();
        finished(response.status, streamedBytes);
    }

    @Override
    public io.ringbolt.http.json.JsonMapper jsonMapper() {
        return server.jsonMapper();
    }

    @Override
    public boolean isOpen() {
        return !reset && owner.connection().isOpen();
    }
}
