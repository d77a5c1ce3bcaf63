package io.ringbolt.http.json;

/**
 * Thrown by a {@link JsonMapper} when the input is at fault: malformed JSON, or JSON that does
 * not fit the requested type. The message goes to the client, so it must be short and must not
 * echo the input; no stack trace is captured.
 */
public class JsonReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message short, for the client, e.g. {@code "malformed JSON at line 1, column 9"} */
    public JsonReadException(String message) {
        super(message, null, false, false);
    }
}
