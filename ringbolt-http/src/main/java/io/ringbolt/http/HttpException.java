package io.ringbolt.http;

/**
 * Ends a request with a given status, e.g. 400 for a malformed query parameter. Expected, so
 * the server does not log it. Cheap: no stack trace is captured.
 */
public class HttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the response status, 100..599
     * @param message the response body (a short text), or null for the reason phrase
     */
    public HttpException(int status, String message) {
        super(message, null, false, false);
        if (!HttpStatus.isValid(status)) {
            throw new IllegalArgumentException("status=" + status + " (must be 100..599)");
        }
        this.status = status;
    }

    /** The status to answer with. */
    public int status() {
        return status;
    }

    /** 400 with {@code message}. */
    public static HttpException badRequest(String message) {
        return new HttpException(HttpStatus.BAD_REQUEST, message);
    }

    /** 404 with the reason phrase. */
    public static HttpException notFound() {
        return new HttpException(HttpStatus.NOT_FOUND, null);
    }
}
