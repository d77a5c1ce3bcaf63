package io.ringbolt.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A media type with its {@code Content-Type} field line encoded once, so setting a common
 * type on a response costs a reference copy. Immutable; any thread.
 */
public final class ContentType {
    public static final ContentType TEXT_PLAIN = new ContentType("text/plain; charset=utf-8");
    public static final ContentType TEXT_HTML = new ContentType("text/html; charset=utf-8");
    public static final ContentType TEXT_CSS = new ContentType("text/css; charset=utf-8");
    public static final ContentType APPLICATION_JSON = new ContentType("application/json");
    public static final ContentType APPLICATION_JAVASCRIPT = new ContentType("application/javascript; charset=utf-8");
    public static final ContentType APPLICATION_OCTET_STREAM = new ContentType("application/octet-stream");

    private final String value;
    private final byte[] fieldLine;
    private final boolean compressible;

    private ContentType(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("content-type=" + value + " (control or non-ASCII character)");
            }
        }
        this.value = value;
        this.fieldLine = ("Content-Type: " + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String v = value.toLowerCase(Locale.ROOT);
        this.compressible = v.startsWith("text/") || v.contains("json") || v.contains("javascript")
                || v.contains("xml") || v.startsWith("image/svg") || v.contains("wasm");
    }

    /** A content type with the given value, e.g. {@code image/webp}. */
    public static ContentType of(String value) {
        return new ContentType(value);
    }

    /** The field value. */
    public String value() {
        return value;
    }

    /** {@code Content-Type: <value>\r\n}; shared, never modify. */
    byte[] fieldLine() {
        return fieldLine;
    }

    /** True for textual types that compression shrinks (text, JSON, JavaScript, XML, SVG). */
    public boolean isCompressible() {
        return compressible;
    }

    @Override
    public String toString() {
        return value;
    }
}
