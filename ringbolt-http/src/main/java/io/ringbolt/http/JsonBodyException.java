package io.ringbolt.http;

/**
 * A request body that {@link HttpRequest#bodyAs} could not read: 400 when it is not JSON or
 * not JSON of the expected type, 415 when the request says its body is something other than
 * JSON. Expected, like every {@link HttpException}: logged at DEBUG without a stack trace.
 * {@link ErrorHandler#DEFAULT} answers it with a small JSON object,
 * {@code {"status":400,"error":"..."}}, as {@code application/json}.
 */
public final class JsonBodyException extends HttpException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status  400 or 415 (any 4xx is accepted)
     * @param message a short description for the client; never the body itself
     */
    public JsonBodyException(int status, String message) {
        super(status, message);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("status=" + status + " (must be 4xx)");
        }
    }

    /** {@code {"status":N,"error":"message"}} with the message escaped as a JSON string. */
    String toJson() {
        StringBuilder b = new StringBuilder(32 + (getMessage() == null ? 0 : getMessage().length()));
        b.append("{\"status\":").append(status()).append(",\"error\":\"");
        String m = getMessage() == null ? HttpStatus.reasonPhrase(status()) : getMessage();
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append("\"}\n").toString();
    }
}
