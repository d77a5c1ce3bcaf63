package io.ringbolt.http.hpack;

/**
 * A header block that cannot be decoded (RFC 7541 §2.3, §5, §6). HTTP/2 answers it with a
 * connection error of type {@code COMPRESSION_ERROR} (RFC 9113 §4.3): once one block fails, the
 * two dynamic tables can no longer be known to agree, so the connection cannot go on.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    HpackException(String message) {
        super(message, null, false, false);
    }
}
