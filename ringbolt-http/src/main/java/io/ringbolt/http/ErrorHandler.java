package io.ringbolt.http;

/**
 * Turns a handler's exception into a response. Called on the thread the handler ran on, with
 * the response reset to a clean 500 (headers and body dropped); the default writes the status
 * and a short text body. An {@link HttpException} carries the status to use and is expected;
 * any other exception has already been logged once by the server.
 */
@FunctionalInterface
public interface ErrorHandler {
    /** Fills {@code response} for {@code error}; must not throw. */
    void onError(HttpRequest request, HttpResponse response, Throwable error);

    /** Status from an {@link HttpException}, else 500; body is the reason phrase. */
    ErrorHandler DEFAULT = (request, response, error) -> {
        int status = error instanceof HttpException he ? he.status() : HttpStatus.INTERNAL_SERVER_ERROR;
        String message = error instanceof HttpException he && he.getMessage() != null
                ? he.getMessage() : HttpStatus.reasonPhrase(status);
        response.status(status).contentType(ContentType.TEXT_PLAIN).send(message + "\n");
    };
}
