package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.http.codec.HttpChars;
import io.ringbolt.http.codec.PercentCodec;
import io.ringbolt.http.codec.RequestHead;

import io.ringbolt.http.json.JsonMapper;
import io.ringbolt.http.json.JsonReadException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request, read in place: the method, target, fields and body are positions in the
 * received bytes and become strings only when asked for. Reused for every request of a
 * connection.
 *
 * <p>Threading and lifetime: use it on the thread running the handler, until the response is
 * sent. The server copies the bytes first when the handler runs on a virtual thread or defers
 * its response, so both may keep using the request until they answer.
 */
public final class HttpRequest {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final Connection connection;
    final RequestHead head;
    final RouteMatch match = new RouteMatch();
    private final ByteView bodyView = new ByteView();
    private MemorySegment bodySegment = MemorySegment.NULL;
    private long bodyOffset;
    private long bodyLength;
    private BodySink sink;
    private byte[] trailers;
    private Map<String, Object> attributes;
    private String path;
    /** The server's JSON mapper, or null; set once by the connection. */
    JsonMapper jsonMapper;

    HttpRequest(Connection connection, RequestHead head) {
        this.connection = connection;
        this.head = head;
    }

    /** Forgets the previous request's body, sink, trailers, attributes and cached strings. */
    void begin() {
        bodySegment = MemorySegment.NULL;
        bodyOffset = 0;
        bodyLength = 0;
        sink = null;
        trailers = null;
        attributes = null;
        path = null;
    }

    void body(MemorySegment segment, long offset, long length) {
        this.bodySegment = segment;
        this.bodyOffset = offset;
        this.bodyLength = length;
    }

    void streamedBody(BodySink sink, long receivedBytes) {
        this.sink = sink;
        this.bodySegment = MemorySegment.NULL;
        this.bodyOffset = 0;
        this.bodyLength = receivedBytes;
    }

    void trailers(byte[] rawFieldLines) {
        this.trailers = rawFieldLines;
    }

    MemorySegment bodySegment() {
        return bodySegment;
    }

    long bodyOffset() {
        return bodyOffset;
    }

    // ---- request line ------------------------------------------------------------------------

    /** The method; {@link HttpMethod#OTHER} for extension methods (see {@link #methodName()}). */
    public HttpMethod method() {
        return head.method();
    }

    /** The method's name as sent. Allocation-free for the known methods. */
    public String methodName() {
        HttpMethod m = head.method();
        return m != HttpMethod.OTHER ? m.name() : head.latin1(head.methodStart(), head.methodEnd());
    }

    /** The protocol version of the request. */
    public HttpVersion version() {
        return head.version();
    }

    /** The request-target exactly as sent. */
    public String target() {
        return head.latin1(head.targetStart(), head.targetEnd());
    }

    /** The path as sent (percent-encoded), without the query; "/" for an absolute target without one. */
    public String rawPath() {
        return head.pathStart() == head.pathEnd() ? "/" : head.latin1(head.pathStart(), head.pathEnd());
    }

    /** The percent-decoded path (UTF-8). An encoded slash decodes to '/' here: route on patterns, not on this. */
    public String path() {
        String p = path;
        if (p == null) {
            p = RouteTable.decodedPath(head);
            path = p;
        }
        return p;
    }

    /** The query as sent, without '?', or null when there is none. */
    public String rawQuery() {
        return head.queryStart() < 0 ? null : head.latin1(head.queryStart(), head.targetEnd());
    }

    /** The first value of query parameter {@code name}, decoded (form rules: '+' is a space), or null. */
    public String queryParam(String name) {
        long range = queryValueRange(name, 0);
        return range < 0 ? null : decodeQuery(range);
    }

    /** Every value of query parameter {@code name}, decoded, in order; empty when absent. */
    public List<String> queryParams(String name) {
        List<String> out = new ArrayList<>(2);
        int from = 0;
        long range;
        while ((range = queryValueRange(name, from)) >= 0) {
            out.add(decodeQuery(range));
            from = (int) range + 1;
        }
        return out;
    }

    /**
     * Query parameter {@code name} as a decimal {@code long}, parsed without allocating.
     *
     * @return {@code defaultValue} when the parameter is absent
     * @throws HttpException 400 when it is present but not an integer
     */
    public long queryParamLong(String name, long defaultValue) {
        long range = queryValueRange(name, 0);
        if (range < 0) {
            return defaultValue;
        }
        int from = (int) (range >>> 32);
        int to = (int) range;
        long v = parseLong(head.segment(), head.base() + from, to - from);
        if (v == Long.MIN_VALUE) {
            String decoded = decodeQuery(range).trim();
            try {
                return Long.parseLong(decoded);
            } catch (NumberFormatException e) {
                throw HttpException.badRequest("query parameter " + name + " is not an integer");
            }
        }
        return v;
    }

    /** Head positions {@code from << 32 | to} of the value of {@code name} at or after query offset {@code from}, or -1. */
    private long queryValueRange(String name, int fromRelative) {
        int qs = head.queryStart();
        if (qs < 0) {
            return -1;
        }
        int end = head.targetEnd();
        int p = Math.max(qs, fromRelative);
        while (p <= end) {
            int amp = p;
            while (amp < end && head.byteAt(amp) != '&') {
                amp++;
            }
            int eq = p;
            while (eq < amp && head.byteAt(eq) != '=') {
                eq++;
            }
            if (PercentCodec.decodedEquals(head.segment(), head.base(), p, eq, name, true)) {
                int vs = eq < amp ? eq + 1 : amp;
                return ((long) vs << 32) | amp;
            }
            p = amp + 1;
        }
        return -1;
    }

    private String decodeQuery(long range) {
        return PercentCodec.decode(head.segment(), head.base(), (int) (range >>> 32), (int) range, true);
    }

    /** The decoded value of path parameter {@code name} ({@code *} for a bare wildcard), or null. */
    public String pathParam(String name) {
        return match.value(name, head);
    }

    /** The value of path parameter {@code name} as sent (still percent-encoded), or null. */
    public String rawPathParam(String name) {
        long b = match.bounds(name);
        if (b < 0) {
            return match.value(name, head);
        }
        return head.latin1((int) (b >>> 32), (int) b);
    }

    /**
     * Path parameter {@code name} as a decimal {@code long}.
     *
     * @throws HttpException 400 when absent or not an integer
     */
    public long pathParamLong(String name) {
        long b = match.bounds(name);
        if (b >= 0) {
            int from = (int) (b >>> 32);
            long v = parseLong(head.segment(), head.base() + from, (int) b - from);
            if (v != Long.MIN_VALUE) {
                return v;
            }
        }
        String s = pathParam(name);
        try {
            if (s != null) {
                return Long.parseLong(s);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw HttpException.badRequest("path parameter " + name + " is not an integer");
    }

    /** The {@code Allow} value for a 405 or OPTIONS answer, or null. */
    public String allowedMethods() {
        return match.allow;
    }

    /** The route that answers this request. */
    public Route route() {
        return match.route;
    }

    // ---- fields --------------------------------------------------------------------------------

    /** The value of the first field named {@code name} (any case), or null. */
    public String header(String name) {
        int i = head.indexOf(name, 0);
        return i < 0 ? null : head.latin1(head.valueStart(i), head.valueEnd(i));
    }

    /** The values of every field named {@code name}, in order. */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = head.indexOf(name, 0); i >= 0; i = head.indexOf(name, i + 1)) {
            out.add(head.latin1(head.valueStart(i), head.valueEnd(i)));
        }
        return out;
    }

    /** True if a field named {@code name} is present. */
    public boolean hasHeader(String name) {
        return head.indexOf(name, 0) >= 0;
    }

    /** True if a field named {@code name} lists {@code token} (comma-separated, any case). */
    public boolean headerHasToken(String name, String token) {
        for (int i = head.indexOf(name, 0); i >= 0; i = head.indexOf(name, i + 1)) {
            if (head.valueHasToken(i, token)) {
                return true;
            }
        }
        return false;
    }

    /** Number of header fields. */
    public int headerCount() {
        return head.fieldCount();
    }

    /** Name of field {@code i} as sent. */
    public String headerName(int i) {
        return head.latin1(head.nameStart(i), head.nameEnd(i));
    }

    /** Value of field {@code i}, without surrounding whitespace. */
    public String headerValue(int i) {
        return head.latin1(head.valueStart(i), head.valueEnd(i));
    }

    /** The parsed head, for codec-level helpers such as {@code AcceptEncoding}. */
    public RequestHead head() {
        return head;
    }

    /** True unless the request asked to close the connection (1.1) or did not ask to keep it (1.0). */
    public boolean isKeepAlive() {
        return head.isKeepAlive();
    }

    // ---- body -----------------------------------------------------------------------------------

    /** The declared Content-Length, or -1 (none, or chunked). */
    public long contentLength() {
        return head.contentLength();
    }

    /** True for a chunked request body. */
    public boolean isChunked() {
        return head.isChunked();
    }

    /** Body bytes received (for a streamed body: passed to the sink). */
    public long bodyLength() {
        return bodyLength;
    }

    /** The buffered body in place, valid like the request; empty for a streamed body. */
    public ByteView body() {
        return bodyView.wrap(bodySegment, bodyOffset, (int) Math.min(bodyLength, bodySegment.byteSize() - bodyOffset));
    }

    /** A copy of the buffered body. */
    public byte[] bodyBytes() {
        byte[] b = new byte[(int) Math.min(bodyLength, bodySegment.byteSize() - bodyOffset)];
        MemorySegment.copy(bodySegment, BYTE, bodyOffset, b, 0, b.length);
        return b;
    }

    /** The buffered body decoded as UTF-8. */
    public String bodyString() {
        return new String(bodyBytes(), StandardCharsets.UTF_8);
    }

    /**
     * The buffered body as a decimal {@code long} (surrounding whitespace allowed), parsed
     * without allocating.
     *
     * @throws HttpException 400 when the body is not an integer
     */
    public long bodyLong() {
        long start = bodyOffset;
        int len = (int) Math.min(bodyLength, bodySegment.byteSize() - bodyOffset);
        while (len > 0 && isSpace(bodySegment.get(BYTE, start))) {
            start++;
            len--;
        }
        while (len > 0 && isSpace(bodySegment.get(BYTE, start + len - 1))) {
            len--;
        }
        long v = parseLong(bodySegment, start, len);
        if (v == Long.MIN_VALUE) {
            throw HttpException.badRequest("body is not an integer");
        }
        return v;
    }

    /**
     * The buffered body read as JSON into a {@code type}, by the router's
     * {@link io.ringbolt.http.json.JsonMapper}.
     *
     * <p>A request without {@code Content-Type} is read as JSON; one whose {@code Content-Type}
     * is neither {@code application/json} nor {@code application/*+json} gets 415, because the
     * client said the body is something else.
     *
     * @throws JsonBodyException     415 for another content type; 400 for an empty body, malformed
     *                               JSON or JSON that does not fit {@code type} (answered as a small
     *                               JSON error object, logged at DEBUG without a stack trace)
     * @throws IllegalStateException if no mapper was set with {@link Router#json}, or the body
     *                               was streamed to a sink
     */
    public <T> T bodyAs(Class<T> type) {
        return type.cast(readJson(type));
    }

    /**
     * Like {@link #bodyAs(Class)} for a generic type, such as {@code List<Item>} (a
     * {@link java.lang.reflect.ParameterizedType}, e.g. from Jackson's {@code TypeReference#getType()}).
     * The result is cast unchecked to {@code T}.
     */
    @SuppressWarnings("unchecked")
    public <T> T bodyAs(Type type) {
        return (T) readJson(type);
    }

    private Object readJson(Type type) {
        JsonMapper mapper = jsonMapper;
        if (mapper == null) {
            throw new IllegalStateException("no JSON mapper (set one with Router.json(...), e.g. ringbolt-jackson's JacksonJsonMapper)");
        }
        if (sink != null) {
            throw new IllegalStateException("the body was streamed to a sink; there is none to read as JSON");
        }
        String contentType = header("Content-Type");
        if (contentType != null && !isJson(contentType)) {
            throw new JsonBodyException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        byte[] json = bodyBytes();
        if (json.length == 0) {
            throw new JsonBodyException(HttpStatus.BAD_REQUEST, "request body is empty; expected JSON");
        }
        try {
            return mapper.read(json, 0, json.length, type);
        } catch (JsonReadException e) {
            throw new JsonBodyException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    /** True for {@code application/json} and {@code application/<anything>+json}, any parameters. */
    static boolean isJson(String contentType) {
        int end = contentType.indexOf(';');
        String type = (end < 0 ? contentType : contentType.substring(0, end)).strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** The sink that received a streamed body ({@link Route#streamBody}), or null. */
    public BodySink bodySink() {
        return sink;
    }

    /** The value of trailer field {@code name} of a chunked body, or null. */
    public String trailer(String name) {
        byte[] t = trailers;
        if (t == null) {
            return null;
        }
        int p = 0;
        while (p < t.length) {
            int eol = p;
            while (eol < t.length && t[eol] != '\r') {
                eol++;
            }
            int colon = p;
            while (colon < eol && t[colon] != ':') {
                colon++;
            }
            if (HttpChars.equalsIgnoreCase(name, t, p, colon - p)) {
                int vs = colon + 1;
                int ve = eol;
                while (vs < ve && HttpChars.isOws(t[vs])) {
                    vs++;
                }
                while (ve > vs && HttpChars.isOws(t[ve - 1])) {
                    ve--;
                }
                return new String(t, vs, ve - vs, StandardCharsets.ISO_8859_1);
            }
            p = eol + 2;
        }
        return null;
    }

    // ---- connection and attributes ------------------------------------------------------------

    /** The connection the request came on. */
    public Connection connection() {
        return connection;
    }

    /** The peer's address, or null if unknown. */
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** An attribute set by middleware, or null. */
    public Object attribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    /** Sets an attribute for later middleware and the handler (this request only). */
    public void attribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        attributes.put(name, value);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** Parses an optionally negative decimal; Long.MIN_VALUE when it is not one (or overflows). */
    static long parseLong(MemorySegment s, long offset, int length) {
        if (length <= 0) {
            return Long.MIN_VALUE;
        }
        int i = 0;
        boolean negative = s.get(BYTE, offset) == '-';
        if (negative) {
            i = 1;
        }
        if (length - i < 1 || length - i > 18) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < length; i++) {
            int d = s.get(BYTE, offset + i) - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    @Override
    public String toString() {
        return methodName() + " " + target();
    }
}
