package io.ringbolt.http;

import java.nio.charset.StandardCharsets;

/**
 * Status codes (RFC 9110 §15) with their reason phrases and pre-encoded status lines. Any
 * code in 100..599 is accepted; codes without a registered phrase get a generic one.
 */
public final class HttpStatus {
    public static final int CONTINUE = 100;
    public static final int SWITCHING_PROTOCOLS = 101;
    public static final int OK = 200;
    public static final int CREATED = 201;
    public static final int ACCEPTED = 202;
    public static final int NO_CONTENT = 204;
    public static final int PARTIAL_CONTENT = 206;
    public static final int MOVED_PERMANENTLY = 301;
    public static final int FOUND = 302;
    public static final int SEE_OTHER = 303;
    public static final int NOT_MODIFIED = 304;
    public static final int TEMPORARY_REDIRECT = 307;
    public static final int PERMANENT_REDIRECT = 308;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int METHOD_NOT_ALLOWED = 405;
    public static final int NOT_ACCEPTABLE = 406;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int CONFLICT = 409;
    public static final int GONE = 410;
    public static final int LENGTH_REQUIRED = 411;
    public static final int PRECONDITION_FAILED = 412;
    public static final int CONTENT_TOO_LARGE = 413;
    public static final int URI_TOO_LONG = 414;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int EXPECTATION_FAILED = 417;
    public static final int UNPROCESSABLE_CONTENT = 422;
    public static final int TOO_MANY_REQUESTS = 429;
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    public static final int INTERNAL_SERVER_ERROR = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int BAD_GATEWAY = 502;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int GATEWAY_TIMEOUT = 504;
    public static final int HTTP_VERSION_NOT_SUPPORTED = 505;

    private static final String[] REASONS = new String[600];
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        reason(100, "Continue");
        reason(101, "Switching Protocols");
        reason(200, "OK");
        reason(201, "Created");
        reason(202, "Accepted");
        reason(203, "Non-Authoritative Information");
        reason(204, "No Content");
        reason(205, "Reset Content");
        reason(206, "Partial Content");
        reason(300, "Multiple Choices");
        reason(301, "Moved Permanently");
        reason(302, "Found");
        reason(303, "See Other");
        reason(304, "Not Modified");
        reason(307, "Temporary Redirect");
        reason(308, "Permanent Redirect");
        reason(400, "Bad Request");
        reason(401, "Unauthorized");
        reason(402, "Payment Required");
        reason(403, "Forbidden");
        reason(404, "Not Found");
        reason(405, "Method Not Allowed");
        reason(406, "Not Acceptable");
        reason(407, "Proxy Authentication Required");
        reason(408, "Request Timeout");
        reason(409, "Conflict");
        reason(410, "Gone");
        reason(411, "Length Required");
        reason(412, "Precondition Failed");
        reason(413, "Content Too Large");
        reason(414, "URI Too Long");
        reason(415, "Unsupported Media Type");
        reason(416, "Range Not Satisfiable");
        reason(417, "Expectation Failed");
        reason(421, "Misdirected Request");
        reason(422, "Unprocessable Content");
        reason(426, "Upgrade Required");
        reason(428, "Precondition Required");
        reason(429, "Too Many Requests");
        reason(431, "Request Header Fields Too Large");
        reason(500, "Internal Server Error");
        reason(501, "Not Implemented");
        reason(502, "Bad Gateway");
        reason(503, "Service Unavailable");
        reason(504, "Gateway Timeout");
        reason(505, "HTTP Version Not Supported");
        for (int code = 100; code < 600; code++) {
            STATUS_LINES[code] = ("HTTP/1.1 " + code + " " + reasonPhrase(code) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private HttpStatus() {
    }

    private static void reason(int code, String phrase) {
        REASONS[code] = phrase;
    }

    /** True for 100..599. */
    public static boolean isValid(int code) {
        return code >= 100 && code <= 599;
    }

    /** The reason phrase of {@code code}, or a generic one for unregistered codes. */
    public static String reasonPhrase(int code) {
        checkValid(code);
        String r = REASONS[code];
        if (r != null) {
            return r;
        }
        return switch (code / 100) {
            case 1 -> "Informational";
            case 2 -> "Success";
            case 3 -> "Redirection";
            case 4 -> "Client Error";
            default -> "Server Error";
        };
    }

    /**
     * {@code HTTP/1.1 <code> <reason>\r\n} as bytes. The returned array is shared: never modify it.
     */
    public static byte[] statusLine(int code) {
        checkValid(code);
        return STATUS_LINES[code];
    }

    /** True when a response with this status never has content (1xx, 204, 304; RFC 9110 §6.4.1). */
    public static boolean isBodiless(int code) {
        return code < 200 || code == NO_CONTENT || code == NOT_MODIFIED;
    }

    private static void checkValid(int code) {
        if (!isValid(code)) {
            throw new IllegalArgumentException("status=" + code + " (must be 100..599)");
        }
    }
}
