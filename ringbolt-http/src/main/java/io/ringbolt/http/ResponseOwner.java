package io.ringbolt.http;

/**
 * The exchange seam: what an {@link HttpResponse} and its {@link ResponseStream} need from the
 * protocol that carries them. An HTTP/1.1 connection is one owner for each of its requests in
 * turn; each HTTP/2 stream is one. Routing, middleware, handlers and the error handler see only
 * requests and responses, so they serve both versions unchanged.
 */
interface ResponseOwner {
    /** Whether the caller runs on the reactor that owns the exchange. */
    boolean onReactorThread();

    /** The handler deferred the response: the request must stay readable until it is sent. */
    void onDefer();

    /** A deferred response was completed, from any thread: write it from the reactor. */
    void completeLater();

    /** {@link HttpResponse#stream()} was called: send the head now, body to follow. Any thread. */
    void startStream(HttpResponse response);

    /** Body bytes of a streamed response. Any thread; copied when off the reactor. */
    void streamWrite(byte[] data, int offset, int length);

    void streamFlush();

    /** The streamed body is complete. Any thread. */
    void streamEnd(HttpResponse response);

    /** Whether the peer can still receive the response. */
    boolean isOpen();
}
