package io.ringbolt.http;

/**
 * Answers a request. Called on the connection's reactor thread (or on a virtual thread for a
 * route marked {@link Route#blocking()}), one request at a time per connection.
 *
 * <p>A handler sets the status, headers and body on the {@link HttpResponse}; the response is
 * sent when the handler (and its middleware) return, unless the handler called
 * {@link HttpResponse#defer()} or {@link HttpResponse#stream()}. A handler that throws gets the
 * answer of the {@link ExceptionHandler} registered for its exception type, else a 500 (or its
 * {@link HttpException}'s status) through the {@link ErrorHandler}, inside the middleware
 * chain; the connection stays usable. A non-blocking handler must not block: it runs on the event loop.
 */
@FunctionalInterface
public interface HttpHandler {
    /** Handles one request. */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
