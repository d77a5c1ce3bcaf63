package io.ringbolt.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A media type with its {@code Content-Type} field line encoded once, so setting a common
 * type on a response costs a reference copy. Immutable; any thread.
 *
 * <p>The value is any legal field value (RFC 9110 §5.5): visible ASCII, SP, HTAB and obs-text.
 * Its chars are bytes: U+0080..U+00FF stand for the obs-text bytes 0x80..0xFF, as
 * {@link HttpRequest#header} decodes them (ISO-8859-1), and are written back as those bytes, so
 * a request's Content-Type can be returned unchanged. Media-type syntax (§8.3) is not checked:
 * it is the application's to judge, and a value that breaks it cannot break the message.
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
        int bad = firstIllegalChar(value);
        if (bad >= 0) {
            // The value itself stays out of the message: it may hold CR LF meant for a log line.
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "content-type: char U+%04X at index %d is not allowed in a field value "
                            + "(RFC 9110 5.5: VCHAR, SP, HTAB, obs-text U+0080..U+00FF)", (int) value.charAt(bad), bad));
        }
        this.value = value;
        this.fieldLine = ("Content-Type: " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        String v = value.toLowerCase(Locale.ROOT);
        this.compressible = v.startsWith("text/") || v.contains("json") || v.contains("javascript")
                || v.contains("xml") || v.startsWith("image/svg") || v.contains("wasm");
    }

    /**
     * A content type with the given value, e.g. {@code image/webp}, written as it is.
     *
     * @throws IllegalArgumentException if {@code value} is not a legal field value
     *                                  ({@link #isFieldValue})
     */
    public static ContentType of(String value) {
        return new ContentType(value);
    }

    /**
     * True if {@code value} can be sent as a field value (RFC 9110 §5.5): it holds only HTAB,
     * SP, VCHAR (U+0021..U+007E) and obs-text (U+0080..U+00FF). Every value of a request field
     * does. SP and HTAB at the ends are allowed: on the wire they are the optional whitespace
     * around a field value.
     */
    public static boolean isFieldValue(String value) {
        return firstIllegalChar(value) < 0;
    }

    /** Index of the first char that no field value may hold (CTL other than HTAB, DEL, above U+00FF), or -1. */
    private static int firstIllegalChar(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return i;
            }
        }
        return -1;
    }

    /** The field value, one char per byte on the wire. */
    public String value() {
        return value;
    }

    /** {@code Content-Type: <value>\r\n} in ISO-8859-1; shared, never modify. */
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
