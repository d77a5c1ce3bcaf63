package io.ringbolt.http;

import io.ringbolt.http.codec.ByteBuf;

/**
 * A content-coding (RFC 9110 §8.4.1) for dynamic response bodies, registered with
 * {@link HttpOptions#withContentEncoder(ContentEncoder)}. gzip is built in; this is how an
 * application adds another coding (br, zstd...) without the HTTP layer depending on it.
 *
 * <p>Which responses are encoded stays the {@link Compression} policy's decision (a route opts
 * in, textual type, at least {@link Compression#minBytes()}); which coding is used follows the
 * request's {@code Accept-Encoding} q-values, a registered coding winning over gzip at equal q.
 *
 * <p>Implementations are called concurrently from every reactor thread and must be
 * thread-safe. If {@link #encode} throws a {@link RuntimeException} the body is sent unencoded.
 */
public interface ContentEncoder {
    /** The content-coding token, lower case, e.g. {@code "br"}; sent as {@code Content-Encoding}. */
    String token();

    /** Appends the encoded form of {@code len} bytes of {@code src} from {@code off} to {@code out}. */
    void encode(byte[] src, int off, int len, ByteBuf out);
}
