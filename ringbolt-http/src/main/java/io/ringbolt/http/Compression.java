package io.ringbolt.http;

/**
 * Response compression policy: gzip (the JDK's deflater) for textual bodies of at least
 * {@link #minBytes()} when the request's {@code Accept-Encoding} accepts it with q &gt; 0, never
 * otherwise. Responses it applies to get {@code Vary: Accept-Encoding} either way.
 *
 * <p>br is not produced for dynamic bodies: the JDK has no Brotli encoder and an honest one
 * is a large piece of work; precompressed {@code .br} files are served by the static-file
 * handler. Immutable; any thread.
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
