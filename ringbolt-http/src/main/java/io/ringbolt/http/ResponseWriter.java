package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.http.codec.AcceptEncoding;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.codec.GzipEncoder;
import io.ringbolt.http.codec.HttpDate;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Encodes responses onto a connection: status line, {@code Server}, cached {@code Date},
 * fields, automatic {@code Content-Length} (or chunked framing for streams), {@code Connection},
 * then the body, which is left out for HEAD and for 1xx/204/304. Small bodies go out in the
 * same write as the head. Works in per-thread scratch buffers (one per reactor thread), so
 * encoding allocates nothing after warm-up. Reactor thread.
 */
final class ResponseWriter {
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] RETRY_AFTER = ascii("Retry-After: ");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] VARY_ACCEPT_ENCODING = ascii("Vary: Accept-Encoding\r\n");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] CONNECTION_UPGRADE = ascii("Connection: Upgrade\r\n");
    private static final byte[] TEXT_PLAIN = ContentType.TEXT_PLAIN.fieldLine();
    /** Bodies up to this size are copied behind the head so both leave in one write. */
    private static final int INLINE_BODY_BYTES = 16 * 1024;
    /** Scratch buffers larger than this after a response are dropped, so one huge body is not pinned. */
    private static final int MAX_RETAINED_BYTES = 1 << 20;

    /** Per-thread encoding state. */
    private static final class Scratch {
        final ByteBuf head = new ByteBuf(4096);
        final ByteBuf body = new ByteBuf(4096);
        final ByteBuf encoded = new ByteBuf(4096);
        final GzipEncoder[] encoders = new GzipEncoder[10];
        final ByteView view = new ByteView();

        GzipEncoder encoder(int level) {
            GzipEncoder e = encoders[level];
            if (e == null) {
                e = new GzipEncoder(level);
                encoders[level] = e;
            }
            return e;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ResponseWriter() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code res} as the answer to {@code req}; {@code close} adds {@code Connection: close}.
     *
     * @return bytes handed to the connection
     */
    static long write(Connection conn, HttpRequest req, HttpResponse res, boolean close, HttpServer server) {
        byte[] serverLine = server.serverLine();
        Scratch s = SCRATCH.get();
        int status = res.status;
        boolean bodiless = HttpStatus.isBodiless(status);
        byte[] array = null;
        MemorySegment segment = null;
        long offset = 0;
        int length = 0;
        switch (res.bodyKind) {
            case HttpResponse.BODY_BYTES -> {
                array = res.bodyBytes;
                offset = res.bodyOffset;
                length = res.bodyLength;
            }
            case HttpResponse.BODY_STRING -> {
                ByteBuf b = s.body.clear();
                b.writeUtf8(res.bodyString);
                array = b.array();
                length = b.length();
            }
            case HttpResponse.BODY_SEGMENT -> {
                segment = res.bodySegment;
                offset = res.bodySegmentOffset;
                length = res.bodyLength;
            }
            default -> {
            }
        }
        byte[] encodingLine = null;
        boolean vary = false;
        Compression policy = res.compression;
        if (policy != null && !bodiless && length >= policy.minBytes() && res.contentType != null
                && res.contentType.isCompressible() && res.header("Content-Encoding") == null) {
            vary = true;
            String[] codings = server.codings();
            int chosen = AcceptEncoding.choose(req.head, codings);
            if (chosen >= 0) {
                if (segment != null) {
                    ByteBuf b = s.body.clear();
                    b.write(segment, offset, length);
                    array = b.array();
                    offset = 0;
                    segment = null;
                }
                ByteBuf z = s.encoded.clear();
                boolean ok = true;
                if (chosen == codings.length - 1) {
                    s.encoder(policy.gzipLevel()).encode(array, (int) offset, length, z);
                } else {
                    try {
                        server.encoder(chosen).encode(array, (int) offset, length, z);
                    } catch (RuntimeException e) {
                        ok = false;
                        warnEncoderFailed(codings[chosen], e);
                    }
                }
                if (ok) {
                    array = z.array();
                    offset = 0;
                    length = z.length();
                    encodingLine = server.contentEncodingLine(chosen);
                }
            }
        }
        ByteBuf out = s.head.clear();
        writeHead(out, res, serverLine, conn.reactor().nanoTime());
        if (encodingLine != null) {
            out.write(encodingLine);
        }
        if (vary && res.header("Vary") == null) {
            out.write(VARY_ACCEPT_ENCODING);
        }
        if (!bodiless) {
            out.write(CONTENT_LENGTH).writeDecimal(length).crlf();
        }
        writeConnection(out, req, close);
        out.crlf();
        boolean sendBody = !bodiless && req.method() != HttpMethod.HEAD && length > 0;
        long written = out.length() + (sendBody ? length : 0);
        if (sendBody && length <= INLINE_BODY_BYTES) {
            if (segment != null) {
                out.write(segment, offset, length);
            } else {
                out.write(array, (int) offset, length);
            }
            conn.write(out.array(), 0, out.length());
        } else {
            conn.write(out.array(), 0, out.length());
            if (sendBody) {
                if (segment != null) {
                    conn.write(s.view.wrap(segment, offset, length), 0, length);
                } else {
                    conn.write(array, (int) offset, length);
                }
            }
        }
        trim(s);
        return written;
    }

    private static volatile boolean encoderFailureLogged;

    /** Logs the first failure of a registered encoder (later ones are silent); the body goes out unencoded. */
    private static void warnEncoderFailed(String coding, RuntimeException e) {
        if (!encoderFailureLogged) {
            encoderFailureLogged = true;
            HttpConnection.LOG.log(System.Logger.Level.WARNING,
                    "content-encoder " + coding + " failed; sending the body unencoded (further failures not logged)", e);
        }
    }

    /**
     * Writes the head of a streamed response: chunked framing when {@code chunked}, else
     * {@code Content-Length} when {@code contentLength >= 0}, else none (close-delimited);
     * returns its bytes.
     */
    static int writeStreamHead(Connection conn, HttpRequest req, HttpResponse res, boolean chunked,
                               long contentLength, boolean close, byte[] serverLine) {
        ByteBuf out = SCRATCH.get().head.clear();
        writeHead(out, res, serverLine, conn.reactor().nanoTime());
        if (!HttpStatus.isBodiless(res.status)) {
            if (chunked) {
                out.write(CHUNKED);
            } else if (contentLength >= 0) {
                out.write(CONTENT_LENGTH).writeDecimal(contentLength).crlf();
            }
        }
        writeConnection(out, req, close);
        out.crlf();
        conn.write(out.array(), 0, out.length());
        return out.length();
    }

    private static final byte[] SWITCHING_TO_H2C = ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");

    /** Writes the 101 that turns the connection into HTTP/2 (RFC 7540 §3.2). */
    static void writeSwitchingToH2c(Connection conn) {
        conn.write(SWITCHING_TO_H2C, 0, SWITCHING_TO_H2C.length);
    }

    /** Writes the head of a {@code 101} that switches protocols ({@link HttpResponse#upgrade}): no body, {@code Connection: Upgrade}. */
    static void writeUpgrade(Connection conn, HttpResponse res, byte[] serverLine) {
        ByteBuf out = SCRATCH.get().head.clear();
        writeHead(out, res, serverLine, conn.reactor().nanoTime());
        out.write(CONNECTION_UPGRADE);
        out.crlf();
        conn.write(out.array(), 0, out.length());
    }

    /** Writes {@code 100 Continue}; returns its bytes. */
    static int writeContinue(Connection conn) {
        conn.write(CONTINUE, 0, CONTINUE.length);
        return CONTINUE.length;
    }

    /** Writes a final error response that closes the connection: status, text body, {@code Connection: close}; returns its bytes. */
    static int writeError(Connection conn, int status, String detail, byte[] serverLine) {
        return writeError(conn, status, detail, serverLine, -1);
    }

    /** Like {@link #writeError(Connection, int, String, byte[])} with {@code Retry-After} (seconds) unless negative. */
    static int writeError(Connection conn, int status, String detail, byte[] serverLine, int retryAfterSeconds) {
        Scratch s = SCRATCH.get();
        ByteBuf body = s.body.clear();
        body.writeDecimal(status).write(' ').writeLatin1(HttpStatus.reasonPhrase(status));
        if (detail != null) {
            body.write(':').write(' ').writeLatin1(detail);
        }
        body.write('\n');
        ByteBuf out = s.head.clear();
        out.write(HttpStatus.statusLine(status));
        if (serverLine != null) {
            out.write(serverLine);
        }
        out.write(HttpDate.dateFieldLine(conn.reactor().nanoTime()));
        out.write(TEXT_PLAIN);
        out.write(CONTENT_LENGTH).writeDecimal(body.length()).crlf();
        if (retryAfterSeconds >= 0) {
            out.write(RETRY_AFTER).writeDecimal(retryAfterSeconds).crlf();
        }
        out.write(CONNECTION_CLOSE);
        out.crlf();
        out.write(body.array(), 0, body.length());
        conn.write(out.array(), 0, out.length());
        return out.length();
    }

    private static void writeHead(ByteBuf out, HttpResponse res, byte[] serverLine, long nowNanos) {
        out.write(HttpStatus.statusLine(res.status));
        if (serverLine != null) {
            out.write(serverLine);
        }
        out.write(HttpDate.dateFieldLine(nowNanos));
        if (res.contentType != null) {
            out.write(res.contentType.fieldLine());
        }
        String[] names = res.names;
        String[] values = res.values;
        for (int i = 0; i < res.headerCount; i++) {
            out.writeLatin1(names[i]).write(':').write(' ').writeLatin1(values[i]).crlf();
        }
    }

    private static void writeConnection(ByteBuf out, HttpRequest req, boolean close) {
        if (close) {
            out.write(CONNECTION_CLOSE);
        } else if (req.version() == HttpVersion.HTTP_1_0) {
            out.write(CONNECTION_KEEP_ALIVE);
        }
    }

    private static void trim(Scratch s) {
        s.body.trim(MAX_RETAINED_BYTES);
        s.encoded.trim(MAX_RETAINED_BYTES);
        s.head.trim(MAX_RETAINED_BYTES);
    }

    /** A per-thread buffer for chunk frames. */
    static ByteBuf frameBuffer() {
        return SCRATCH.get().head.clear();
    }
}
