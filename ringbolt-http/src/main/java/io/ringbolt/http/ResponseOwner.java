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

    /**
     * Body bytes of a streamed response. Any thread; copied when off the reactor, and then one
     * of {@code credits} (non-null off the reactor) is returned once the bytes are staged and the
     * output has room, which is how {@link ResponseStream} blocks a producer on a slow client.
     */
    void streamWrite(byte[] data, int offset, int length, java.util.concurrent.Semaphore credits);

    void streamFlush();

    /** Whether the output has room for more of a streamed body. */
    boolean isWritable();

    /** Runs {@code task} on the reactor once the output has room (at once if it has now). */
    void streamOnWritable(Runnable task);

    /**
     * The streamed body is complete. {@code abort}: end it as failed; {@code shortBody}: fewer
     * bytes than the declared length were written, which is a failure too. Any thread.
     */
    void streamEnd(HttpResponse response, boolean shortBody, boolean abort);

    /** Whether the peer can still receive the response. */
    boolean isOpen();

    /** The server's JSON mapper (for {@link HttpResponse#json}), or null when none is set. */
    io.ringbolt.http.json.JsonMapper jsonMapper();
}
