package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.ConnectionHandler;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answer to one request: status, fields and body, sent by the server once the handler
 * chain has returned (so middleware can still change it), or later when the handler
 * {@link #defer defers} it. {@code Content-Length}, {@code Date}, {@code Server} and
 * {@code Connection} are written by the server; bodies of HEAD requests and of 1xx/204/304
 * responses are never sent.
 *
 * <p>Threading: use it on the handler's thread. After {@link #defer()}, exactly one
 * {@code send...} or {@link #end()} call completes it, from any thread. Reused for every
 * request of a connection: do not keep it after it was sent.
 */
public final class HttpResponse {
    static final int BODY_NONE = 0, BODY_BYTES = 1, BODY_STRING = 2, BODY_SEGMENT = 3;
    private static final int CHAIN_RETURNED = 1, SENT = 2, COMPLETE = CHAIN_RETURNED | SENT;

    private final ResponseOwner owner;
    private final AtomicInteger completion = new AtomicInteger();
    int status;
    ContentType contentType;
    String[] names = new String[8];
    String[] values = new String[8];
    int headerCount;
    int bodyKind;
    byte[] bodyBytes;
    int bodyOffset;
    int bodyLength;
    String bodyString;
    MemorySegment bodySegment;
    long bodySegmentOffset;
    boolean closeRequested;
    Compression compression;
    private boolean deferred;
    ResponseStream stream;
    /** Body length declared by {@link #stream(long)}, or -1 for a chunked (or close-delimited) stream. */
    long streamLength = -1;
    /** The handler that takes the connection over after a 101 ({@link #upgrade}), or null. */
    ConnectionHandler upgradeHandler;

    HttpResponse(ResponseOwner owner) {
        this.owner = owner;
        reset();
    }

    /** Prepares for the next request. */
    void reset() {
        status = HttpStatus.OK;
        contentType = null;
        Arrays.fill(names, 0, headerCount, null);
        Arrays.fill(values, 0, headerCount, null);
        headerCount = 0;
        clearBody();
        closeRequested = false;
        compression = null;
        deferred = false;
        stream = null;
        streamLength = -1;
        upgradeHandler = null;
        completion.set(0);
    }

    private void clearBody() {
        bodyKind = BODY_NONE;
        bodyBytes = null;
        bodyString = null;
        bodySegment = null;
        bodyOffset = bodyLength = 0;
        bodySegmentOffset = 0;
    }

    /**
     * Switches protocols: completes this response as {@code 101 Switching Protocols} with
     * {@code Connection: Upgrade} and the fields set so far (the caller sets {@code Upgrade} and
     * whatever its protocol's handshake needs), then hands the connection to {@code next}
     * ({@link io.ringbolt.engine.Connection#handOver}). Bytes the client sent after the request
     * reach {@code next} first, in order. Like a {@code send...} call, from the handler's thread
     * or, after {@link #defer()}, from any thread. A request with a body cannot be upgraded
     * (answer it with an error instead).
     *
     * @throws IllegalStateException if the response was already sent or is streamed
     */
    public void upgrade(ConnectionHandler next) {
        Objects.requireNonNull(next, "next");
        checkOpen();
        if (stream != null) {
            throw new IllegalStateException("a streamed response cannot switch protocols");
        }
        clearBody();
        status = HttpStatus.SWITCHING_PROTOCOLS;
        upgradeHandler = next;
        markSent();
    }

    /** Drops status, fields and body for an error response; keeps the close request. */
    void resetForError() {
        boolean close = closeRequested;
        reset();
        closeRequested = close;
    }

    /**
     * Like {@link #resetForError()} but keeps the first {@code keepFields} fields and the
     * compression policy: what middleware set before the code that failed ran.
     */
    void resetForError(int keepFields) {
        int keep = Math.min(keepFields, headerCount);
        Arrays.fill(names, keep, headerCount, null);
        Arrays.fill(values, keep, headerCount, null);
        headerCount = keep;
        status = HttpStatus.INTERNAL_SERVER_ERROR;
        contentType = null;
        clearBody();
        deferred = false;
        stream = null;
        completion.set(0);
    }

    // ---- status and fields ------------------------------------------------------------------

    /** Sets the status (default 200). */
    public HttpResponse status(int code) {
        if (!HttpStatus.isValid(code)) {
            throw new IllegalArgumentException("status=" + code + " (must be 100..599)");
        }
        this.status = code;
        return this;
    }

    /** The status. */
    public int status() {
        return status;
    }

    /** Sets the content type. */
    public HttpResponse contentType(ContentType type) {
        this.contentType = type;
        return this;
    }

    /** Sets the content type from a string (encodes a field line; prefer the {@link ContentType} constants). */
    public HttpResponse contentType(String type) {
        this.contentType = type == null ? null : ContentType.of(type);
        return this;
    }

    /** The content type, or null. */
    public ContentType contentType() {
        return contentType;
    }

    /**
     * Adds a field. {@code Content-Length} and {@code Transfer-Encoding} are the server's;
     * {@code Content-Type} sets the content type; {@code Connection: close} asks to close.
     *
     * @throws IllegalArgumentException for a framing field, or a name or value with CR, LF or NUL
     */
    public HttpResponse header(String name, String value) {
        checkField(name, value);
        if (name.equalsIgnoreCase("content-type")) {
            return contentType(value);
        }
        if (name.equalsIgnoreCase("connection")) {
            if (value.toLowerCase(java.util.Locale.ROOT).contains("close")) {
                closeRequested = true;
            }
            return this;
        }
        if (headerCount == names.length) {
            names = Arrays.copyOf(names, headerCount * 2);
            values = Arrays.copyOf(values, headerCount * 2);
        }
        names[headerCount] = name;
        values[headerCount] = value;
        headerCount++;
        return this;
    }

    /** Replaces every field named {@code name} (any case) with one. */
    public HttpResponse setHeader(String name, String value) {
        removeHeader(name);
        return header(name, value);
    }

    /** Removes every field named {@code name} (any case). */
    public HttpResponse removeHeader(String name) {
        int w = 0;
        for (int i = 0; i < headerCount; i++) {
            if (!names[i].equalsIgnoreCase(name)) {
                names[w] = names[i];
                values[w] = values[i];
                w++;
            }
        }
        Arrays.fill(names, w, headerCount, null);
        Arrays.fill(values, w, headerCount, null);
        headerCount = w;
        return this;
    }

    /** The first value of field {@code name} set on this response, or null. */
    public String header(String name) {
        if (name.equalsIgnoreCase("content-type")) {
            return contentType == null ? null : contentType.value();
        }
        for (int i = 0; i < headerCount; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    private static void checkField(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!io.ringbolt.http.codec.HttpChars.isTchar(name.charAt(i)) || name.charAt(i) > 0x7E) {
                throw new IllegalArgumentException("header=" + name + " (name must be a token)");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header=" + name + " (value contains CR, LF or NUL)");
            }
        }
        if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
            throw new IllegalArgumentException("header=" + name + " (framing is written by the server)");
        }
    }

    /** Asks to close the connection after this response ({@code Connection: close}). */
    public HttpResponse closeConnection() {
        this.closeRequested = true;
        return this;
    }

    /** Lets the server compress this response's body as {@code policy} says, if the client asks. */
    public HttpResponse compression(Compression policy) {
        this.compression = policy;
        return this;
    }

    // ---- body -------------------------------------------------------------------------------

    /**
     * Sends {@code length} bytes of {@code body} from {@code offset}. Not copied before the
     * response is written: leave the array unchanged until then. For a synchronous handler
     * that is when the handler returns; a deferred response is written by a later reactor
     * task, so give it an array nobody else reuses (or a String).
     */
    public void send(byte[] body, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, body.length);
        checkOpen();
        clearBody();
        bodyKind = BODY_BYTES;
        bodyBytes = body;
        bodyOffset = offset;
        bodyLength = length;
        markSent();
    }

    /** Sends {@code body}; see {@link #send(byte[], int, int)}. */
    public void send(byte[] body) {
        send(body, 0, body.length);
    }

    /** Sends {@code body} as UTF-8 (encoded straight into the output; ASCII allocates nothing). */
    public void send(String body) {
        checkOpen();
        clearBody();
        bodyKind = BODY_STRING;
        bodyString = Objects.requireNonNull(body, "body");
        markSent();
    }

    /**
     * Sends the bytes of {@code view}, for example {@code request.body()} to echo it. On the
     * handler's reactor thread the bytes are used in place; from another thread they are
     * copied first.
     */
    public void send(ByteView view) {
        checkOpen();
        clearBody();
        if (owner.onReactorThread()) {
            bodyKind = BODY_SEGMENT;
            bodySegment = view.segment();
            bodySegmentOffset = view.segmentOffset();
            bodyLength = view.length();
        } else {
            bodyKind = BODY_BYTES;
            bodyBytes = view.toByteArray();
            bodyLength = bodyBytes.length;
        }
        markSent();
    }

    /**
     * Sends {@code value} as JSON, written by the router's {@link io.ringbolt.http.json.JsonMapper},
     * as {@code application/json} unless a content type was set (e.g. {@code application/problem+json}).
     * The status stays as set (default 200).
     *
     * @throws IllegalStateException if no mapper was set with {@link Router#json}
     */
    public void json(Object value) {
        io.ringbolt.http.json.JsonMapper mapper = owner.jsonMapper();
        if (mapper == null) {
            throw new IllegalStateException("no JSON mapper (set one with Router.json(...), e.g. ringbolt-jackson's JacksonJsonMapper)");
        }
        byte[] body = mapper.write(value);
        if (contentType == null) {
            contentType = ContentType.APPLICATION_JSON;
        }
        send(body, 0, body.length);
    }

    /** Completes the response without a body (or with what was set before). */
    public void end() {
        markSent();
    }

    /** Number of body bytes set so far (UTF-8 bytes for a string body). */
    public long bodyLength() {
        return switch (bodyKind) {
            case BODY_BYTES, BODY_SEGMENT -> bodyLength;
            case BODY_STRING -> utf8Length(bodyString);
            default -> 0;
        };
    }

    /** A copy of the body set so far (for middleware that inspects it). */
    public byte[] bodyAsBytes() {
        return switch (bodyKind) {
            case BODY_BYTES -> Arrays.copyOfRange(bodyBytes, bodyOffset, bodyOffset + bodyLength);
            case BODY_STRING -> bodyString.getBytes(StandardCharsets.UTF_8);
            case BODY_SEGMENT -> bodySegment.asSlice(bodySegmentOffset, bodyLength).toArray(ValueLayout.JAVA_BYTE);
            default -> new byte[0];
        };
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return bytes;
    }

    // ---- asynchronous completion --------------------------------------------------------------

    /**
     * Keeps the response open after the handler returns; a later {@code send...} or
     * {@link #end()}, from any thread, sends it. Later pipelined requests on the connection
     * wait, so responses keep their order. The request's bytes are copied here, so the
     * request stays readable until the response is sent, from a thread started after this
     * call or from a later reactor task.
     *
     * @throws IllegalStateException if the response was already sent
     */
    public HttpResponse defer() {
        checkOpen();
        deferred = true;
        owner.onDefer();
        return this;
    }

    /** True once {@link #defer()} or {@link #stream()} was called. */
    public boolean isDeferred() {
        return deferred;
    }

    /** True once a body was set or {@link #end()} called. */
    public boolean isSent() {
        return (completion.get() & SENT) != 0;
    }

    /**
     * Starts a chunked body (for HTTP/1.0 clients: a body ended by closing the connection).
     * The status and fields go out now; write with the returned stream and
     * {@link ResponseStream#close() close} it to finish. Any thread.
     */
    public ResponseStream stream() {
        return startStream(-1);
    }

    /**
     * Starts a body of exactly {@code contentLength} bytes, sent with {@code Content-Length}
     * (no chunked framing, so the connection stays reusable for HTTP/1.0 keep-alive clients
     * too, and clients can show progress). The status and fields go out now; write the bytes
     * with the returned stream and {@link ResponseStream#close() close} it. Writing more than
     * declared throws; closing it short aborts the connection, since the head already promised
     * the length (the client sees the body end early, never a wrong one). For HEAD and
     * bodiless statuses the head carries the length (except 1xx/204/304) and writes are
     * dropped. Any thread.
     *
     * @throws IllegalArgumentException if {@code contentLength} is negative
     * @throws IllegalStateException if a stream was already started
     */
    public ResponseStream stream(long contentLength) {
        if (contentLength < 0) {
            throw new IllegalArgumentException("contentLength=" + contentLength + " (must be >= 0)");
        }
        if (stream != null) {
            throw new IllegalStateException("response stream already started");
        }
        return startStream(contentLength);
    }

    private ResponseStream startStream(long contentLength) {
        if (stream != null) {
            return stream;
        }
        checkOpen();
        deferred = true;
        owner.onDefer();
        streamLength = contentLength;
        stream = new ResponseStream(owner, this, contentLength);
        owner.startStream(this);
        return stream;
    }

    private void checkOpen() {
        if (completion.get() == COMPLETE) {
            throw new IllegalStateException("response already sent");
        }
    }

    /** Marks the body as final. Inside the handler chain it may be replaced again (decoration). */
    private void markSent() {
        int prev = orCompletion(SENT);
        if (prev == COMPLETE) {
            throw new IllegalStateException("response already sent");
        }
        if (prev == CHAIN_RETURNED) {
            owner.completeLater();
        }
    }

    void streamFinished() {
        markSent();
    }

    /**
     * The handler chain returned. A non-deferred response that was not sent is sent as it is.
     *
     * @return true if the response is complete and the caller must write it now
     */
    /** {@code completion |= bits}, returning the previous value; no capturing lambda per call. */
    private int orCompletion(int bits) {
        int prev;
        do {
            prev = completion.get();
        } while (!completion.compareAndSet(prev, prev | bits));
        return prev;
    }

    boolean chainReturned() {
        int add = deferred ? CHAIN_RETURNED : COMPLETE;
        int prev = orCompletion(add);
        return (prev | add) == COMPLETE;
    }
}
