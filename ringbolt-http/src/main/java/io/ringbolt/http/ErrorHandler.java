package io.ringbolt.http;

/**
 * Turns a handler's exception into a response when no {@link ExceptionHandler} registered with
 * {@link Router#exception} matches it. Called inside the middleware chain, on the thread the
 * handler ran on, with the response reset to a clean 500 (body and the fields set by the failing
 * code dropped; fields middleware set before calling {@code next} kept). The default writes the
 * status and a short text body. An {@link HttpException} carries the status to use and is
 * expected (logged at DEBUG); any other exception has already been logged at WARNING, with its
 * stack trace and rate-limited, by the server.
 */
@FunctionalInterface
public interface ErrorHandler {
    /** Fills {@code response} for {@code error}; must not throw. */
    void onError(HttpRequest request, HttpResponse response, Throwable error);

    /**
     * Status from an {@link HttpException}, else 500; body is the exception's message or the
     * reason phrase as text, or for a {@link JsonBodyException} a JSON object
     * {@code {"status":400,"error":"..."}}.
     */
    ErrorHandler DEFAULT = (request, response, error) -> {
        if (error instanceof JsonBodyException je) {
            response.status(je.status()).contentType(ContentType.APPLICATION_JSON).send(je.toJson());
            return;
        }
        int status = error instanceof HttpException he ? he.status() : HttpStatus.INTERNAL_SERVER_ERROR;
        String message = error instanceof HttpException he && he.getMessage() != null
                ? he.getMessage() : HttpStatus.reasonPhrase(status);
        response.status(status).contentType(ContentType.TEXT_PLAIN).send(message + "\n");
    };
}
