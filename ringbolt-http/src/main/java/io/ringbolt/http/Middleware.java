package io.ringbolt.http;

/**
 * Code around a handler: authentication, logging, headers, compression. Runs on the same
 * thread as the handler. A middleware short-circuits by answering without calling
 * {@code next}, and decorates by changing the response before or after {@code next} returns
 * (the response is not sent until the whole chain has returned, so headers added afterwards
 * still go out, except for a streamed or deferred response already under way).
 *
 * <p>An exception thrown inside {@code next} does not reach the middleware: it is answered
 * where it was thrown (see {@link Router#exception}), so {@code next} returns normally with the
 * error status set and the fields this middleware added before calling it still in place. An
 * exception the middleware itself throws is answered the same way, inside the middleware around it.
 *
 * <p>Chains are composed once when the server is built, so calling {@code next} allocates
 * nothing.
 */
@FunctionalInterface
public interface Middleware {
    /** Handles the request, usually by calling {@code next.handle(request, response)}. */
    void handle(HttpRequest request, HttpResponse response, HttpHandler next) throws Exception;

    /** This middleware wrapped around {@code handler}, as one handler. */
    default HttpHandler around(HttpHandler handler) {
        return (request, response) -> handle(request, response, handler);
    }
}
