package io.ringbolt.http;

/**
 * Response compression policy: which dynamic responses are compressed. A textual body of at
 * least {@link #minBytes()} is encoded with the content-coding the request's
 * {@code Accept-Encoding} prefers (q &gt; 0) among those the server offers, never when the
 * request does not ask. Responses it applies to get {@code Vary: Accept-Encoding} either way.
 *
 * <p>gzip (the JDK's deflater, at {@link #gzipLevel()}) is always offered. Other codings, br
 * for one, are registered on the server with {@link HttpOptions#withContentEncoder}, since
 * the JDK has none and this module depends on nothing else; they win over gzip at equal q.
 * Precompressed {@code .br}/{@code .gz} files are served by the static-file handler.
 * Immutable; any thread.
 */
public final class Compression {
    private final int gzipLevel;
    private final int minBytes;

    private Compression(int gzipLevel, int minBytes) {
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzip-level=" + gzipLevel + " (must be 1..9)");
        }
        if (minBytes < 0) {
            throw new IllegalArgumentException("min-bytes=" + minBytes + " (must be >= 0)");
        }
        this.gzipLevel = gzipLevel;
        this.minBytes = minBytes;
    }

    /** gzip at level 1 (fastest; most of the gain for JSON) for bodies of 256 bytes or more. */
    public static Compression gzip() {
        return new Compression(1, 256);
    }

    /** gzip at {@code level} (1..9) for bodies of at least {@code minBytes}. */
    public static Compression gzip(int level, int minBytes) {
        return new Compression(level, minBytes);
    }

    /** The deflate level, 1..9. */
    public int gzipLevel() {
        return gzipLevel;
    }

    /** Bodies shorter than this are sent as they are. */
    public int minBytes() {
        return minBytes;
    }

    /** A middleware that applies this policy to every response it wraps. */
    public Middleware middleware() {
        return (request, response, next) -> {
            response.compression(this);
            next.handle(request, response);
        };
    }
}
