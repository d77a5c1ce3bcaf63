package io.ringbolt.http.codec;

import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpVersion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed request head: positions of the method, target, path, query and every header field,
 * plus the framing facts the parser derived (Content-Length, chunked, keep-alive, Expect).
 * Nothing is copied: positions are relative to {@link #base()} in {@link #segment()}, which
 * the owner re-points when it moves the bytes ({@link #relocate}).
 *
 * <p>Reused for every request of a connection; confined to the thread that parses.
 */
public final class RequestHead {
    /** How the request-target is written (RFC 9112 §3.2). */
    public enum TargetForm { ORIGIN, ABSOLUTE, AUTHORITY, ASTERISK }

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    MemorySegment segment = MemorySegment.NULL;
    long base;
    int length;

    int methodStart;
    int methodEnd;
    HttpMethod method;
    int targetStart;
    int targetEnd;
    TargetForm targetForm;
    int pathStart;
    int pathEnd;
    int queryStart;
    HttpVersion version;

    int fieldCount;
    int[] fields;

    long contentLength;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;

    /** Made by its {@link RequestParser}. */
    RequestHead() {
        this(16);
    }

    /** A head with room for {@code fieldCapacity} fields before its field array grows. */
    private RequestHead(int fieldCapacity) {
        fields = new int[4 * Math.max(1, fieldCapacity)];
    }

    /**
     * A head for an HTTP/2 request (RFC 9113 §8.3), laid out in a heap array: the method, the
     * {@code :path} (origin form, or {@code *}), then each field's name and value.
     * {@code :authority} becomes a {@code host} field when the request has none, so handlers
     * read the host the same way for both versions. The fields have been validated by the
     * HTTP/2 layer (lower-case names, no connection-specific fields, one content-length).
     *
     * @return the head, or null when {@code path} has an invalid percent-encoding
     */
    public static RequestHead ofHttp2(String method, String path, String authority,
                                      String[] names, String[] values, int count) {
        boolean addHost = authority != null;
        for (int i = 0; i < count && addHost; i++) {
            addHost = !names[i].equals("host");
        }
        int size = method.length() + path.length() + (addHost ? 4 + authority.length() : 0);
        for (int i = 0; i < count; i++) {
            size += names[i].length() + values[i].length();
        }
        byte[] bytes = new byte[size];
        RequestHead head = new RequestHead(count + (addHost ? 1 : 0)); // a head per stream: no spare room
        head.reset();
        int at = put(bytes, 0, method);
        head.methodEnd = at;
        head.targetStart = at;
        at = put(bytes, at, path);
        head.targetEnd = at;
        int question = path.indexOf('?');
        for (int i = 0; i < (question < 0 ? path.length() : question); i++) {
            if (path.charAt(i) == '%' && (i + 2 >= path.length() || HttpChars.hexValue((byte) path.charAt(i + 1)) < 0
                    || HttpChars.hexValue((byte) path.charAt(i + 2)) < 0)) {
                return null;
            }
        }
        head.targetForm = path.equals("*") ? TargetForm.ASTERISK : TargetForm.ORIGIN;
        head.pathStart = head.targetStart;
        head.pathEnd = question < 0 ? head.targetEnd : head.targetStart + question;
        head.queryStart = question < 0 ? -1 : head.targetStart + question + 1;
        if (addHost) {
            int nameStart = at;
            at = put(bytes, at, "host");
            int valueStart = at;
            at = put(bytes, at, authority);
            head.addField(nameStart, valueStart, valueStart, at);
        }
        for (int i = 0; i < count; i++) {
            int nameStart = at;
            at = put(bytes, at, names[i]);
            int valueStart = at;
            at = put(bytes, at, values[i]);
            head.addField(nameStart, valueStart, valueStart, at);
            if (names[i].equals("content-length")) {
                head.contentLength = Long.parseLong(values[i]);
            } else if (names[i].equals("expect") && values[i].equalsIgnoreCase("100-continue")) {
                head.expectContinue = true;
            }
        }
        head.length = at;
        head.version = HttpVersion.HTTP_2;
        head.keepAlive = true;
        head.relocate(MemorySegment.ofArray(bytes), 0);
        head.method = HttpMethod.of(head.segment, 0, head.methodEnd);
        return head;
    }

    private static int put(byte[] bytes, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            bytes[at + i] = (byte) s.charAt(i);
        }
        return at + s.length();
    }

    /** Forgets the previous request; called by the parser when a new head starts. */
    void reset() {
        length = 0;
        methodStart = methodEnd = 0;
        method = null;
        targetStart = targetEnd = 0;
        targetForm = null;
        pathStart = pathEnd = 0;
        queryStart = -1;
        version = null;
        fieldCount = 0;
        contentLength = -1;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
    }

    void addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int i = fieldCount * 4;
        if (i + 4 > fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[i] = nameStart;
        fields[i + 1] = nameEnd;
        fields[i + 2] = valueStart;
        fields[i + 3] = valueEnd;
        fieldCount++;
    }

    /**
     * Points the head at its bytes: position 0 is {@code base} of {@code segment}. The parser's
     * caller does this when a head completes, and again when it copies the head elsewhere.
     */
    public void relocate(MemorySegment segment, long base) {
        this.segment = segment;
        this.base = base;
    }

    /** The memory holding the head's bytes. */
    public MemorySegment segment() {
        return segment;
    }

    /** Where position 0 of the head is in {@link #segment()}. */
    public long base() {
        return base;
    }

    /** Bytes from position 0 through the LF ending the header section. */
    public int length() {
        return length;
    }

    /** The request method. */
    public HttpMethod method() {
        return method;
    }

    /** Position of the method's first byte. */
    public int methodStart() {
        return methodStart;
    }

    /** Position after the method's last byte. */
    public int methodEnd() {
        return methodEnd;
    }

    /** Position of the request-target's first byte. */
    public int targetStart() {
        return targetStart;
    }

    /** Position after the request-target. */
    public int targetEnd() {
        return targetEnd;
    }

    /** The form of the request-target. */
    public TargetForm targetForm() {
        return targetForm;
    }

    /**
     * Position of the path's first byte; for an absolute-form target without a path,
     * {@code pathStart == pathEnd} and the path is "/".
     */
    public int pathStart() {
        return pathStart;
    }

    /** Position after the path (at '?' or the end of the target). */
    public int pathEnd() {
        return pathEnd;
    }

    /** Position of the first query byte (after '?'), or -1 when there is no query. */
    public int queryStart() {
        return queryStart;
    }

    /** The request's protocol version. */
    public HttpVersion version() {
        return version;
    }

    /** Number of header fields. */
    public int fieldCount() {
        return fieldCount;
    }

    /** Position of the name of field {@code i}. */
    public int nameStart(int i) {
        return fields[i * 4];
    }

    /** Position after the name of field {@code i}. */
    public int nameEnd(int i) {
        return fields[i * 4 + 1];
    }

    /** Position of the value of field {@code i} (leading whitespace excluded). */
    public int valueStart(int i) {
        return fields[i * 4 + 2];
    }

    /** Position after the value of field {@code i} (trailing whitespace excluded). */
    public int valueEnd(int i) {
        return fields[i * 4 + 3];
    }

    /** The Content-Length, or -1 when absent. */
    public long contentLength() {
        return contentLength;
    }

    /** True for a chunked request body. */
    public boolean isChunked() {
        return chunked;
    }

    /** True when the request leaves the connection open (1.1 default, 1.0 with keep-alive). */
    public boolean isKeepAlive() {
        return keepAlive;
    }

    /** True for {@code Expect: 100-continue}. */
    public boolean expectsContinue() {
        return expectContinue;
    }

    /** The byte at position {@code pos}. */
    public byte byteAt(int pos) {
        return segment.get(BYTE, base + pos);
    }

    /** Index of the first field named {@code name} (ASCII, any case) at or after {@code from}, or -1. */
    public int indexOf(String name, int from) {
        int len = name.length();
        for (int i = from; i < fieldCount; i++) {
            int s = fields[i * 4];
            if (fields[i * 4 + 1] - s == len && equalsIgnoreCase(s, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsIgnoreCase(int pos, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (HttpChars.toLower(byteAt(pos + k)) != HttpChars.toLower(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Decodes positions {@code [from, to)} as ISO-8859-1 (one char per byte). */
    public String latin1(int from, int to) {
        byte[] b = new byte[to - from];
        MemorySegment.copy(segment, BYTE, base + from, b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Copies positions {@code [from, to)} into a new array. */
    public byte[] bytes(int from, int to) {
        byte[] b = new byte[to - from];
        MemorySegment.copy(segment, BYTE, base + from, b, 0, b.length);
        return b;
    }

    /** True if the value of field {@code i} contains {@code token} as a list element, any case. */
    public boolean valueHasToken(int i, String token) {
        int p = valueStart(i);
        int end = valueEnd(i);
        while (p < end) {
            while (p < end && (byteAt(p) == ',' || HttpChars.isOws(byteAt(p)))) {
                p++;
            }
            int s = p;
            while (p < end && byteAt(p) != ',') {
                p++;
            }
            int e = p;
            while (e > s && HttpChars.isOws(byteAt(e - 1))) {
                e--;
            }
            if (e - s == token.length() && equalsIgnoreCase(s, token)) {
                return true;
            }
        }
        return false;
    }
}
