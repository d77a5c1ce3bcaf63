package io.ringbolt.http;

/** The HTTP versions a request can carry. HTTP/1.x responses always say {@code HTTP/1.1}. */
public enum HttpVersion {
    /** HTTP/1.0: close after each response unless {@code Connection: keep-alive}; no chunked responses. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1 (and any later 1.x minor version, which is answered as 1.1). */
    HTTP_1_1("HTTP/1.1"),
    /** HTTP/2 (RFC 9113): a stream of a multiplexed connection; framing is the connection's. */
    HTTP_2("HTTP/2");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** The version as it appears on the wire. */
    public String text() {
        return text;
    }
}
