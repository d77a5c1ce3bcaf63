package io.ringbolt.http;

/**
 * Turns one type of exception into a response, registered with
 * {@link Router#exception(Class, ExceptionHandler)}. Runs inside the middleware chain, on the
 * thread the handler ran on, with the response reset to a clean 500 except for the fields the
 * middleware set before calling {@code next} (so CORS or request-id headers survive). What the
 * handler leaves unset keeps that reset state: setting only the status sends an empty body.
 *
 * @param <T> the exception type handled (subtypes included, unless a more specific one is registered)
 */
@FunctionalInterface
public interface ExceptionHandler<T extends Throwable> {
    /**
     * Fills {@code response} for {@code error}. If it throws, the router's {@link ErrorHandler}
     * answers for the new exception instead.
     */
    void handle(HttpRequest request, HttpResponse response, T error) throws Exception;
}
