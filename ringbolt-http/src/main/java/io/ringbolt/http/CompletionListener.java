package io.ringbolt.http;

/**
 * Told when a response is finished, with the status the client actually got: handler answers,
 * 404/405/OPTIONS, mapped and unmapped exceptions, blocking and deferred routes, static files,
 * streamed responses, and the errors the server writes itself for a request whose head was
 * parsed (413 body too large, 400 malformed chunked body, 408 body timeout, 503 out of memory).
 * Not told for input that never became a request (a malformed or timed-out head), nor for a
 * request whose connection closed before its response was written.
 *
 * <p>Registered with {@link Router#onComplete}. Runs on the connection's reactor thread after
 * the response was handed to the connection, before the next request of the connection is
 * read: keep it short and non-blocking (an access log should queue the line, not write the
 * file here). The request is readable during the call only. A listener that throws is logged
 * (rate-limited) and does not affect the connection. With no listener registered the server
 * skips this step entirely.
 */
@FunctionalInterface
public interface CompletionListener {
    /**
     * @param request    the request answered; valid during this call only
     * @param status     the status line sent (for a streamed response: the status its head carried)
     * @param bytesSent  bytes of the response handed to the connection: status line, fields,
     *                   body and chunk framing (and a {@code 100 Continue} before it, if any)
     * @param durationNs from the moment the request's head was parsed to the moment the last
     *                   byte of the response was handed to the connection, in nanoseconds
     */
    void onComplete(HttpRequest request, int status, long bytesSent, long durationNs);
}
