package io.ringbolt.http.files;

import io.ringbolt.http.ContentType;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Content types of static files by extension, each a shared {@link ContentType} so serving a
 * file sets its type without allocating. Unknown extensions are
 * {@code application/octet-stream}. Immutable; any thread.
 */
public final class ContentTypes {
    private static final Map<String, ContentType> BY_EXTENSION = new HashMap<>();

    static {
        put(ContentType.TEXT_HTML, "html", "htm");
        put(ContentType.TEXT_CSS, "css");
        put(ContentType.APPLICATION_JAVASCRIPT, "js", "mjs");
        put(ContentType.APPLICATION_JSON, "json", "map");
        put(ContentType.TEXT_PLAIN, "txt", "text", "log");
        put(ContentType.of("application/manifest+json"), "webmanifest");
        put(ContentType.of("text/csv; charset=utf-8"), "csv");
        put(ContentType.of("text/markdown; charset=utf-8"), "md");
        put(ContentType.of("application/xml"), "xml");
        put(ContentType.of("image/svg+xml"), "svg");
        put(ContentType.of("image/png"), "png");
        put(ContentType.of("image/jpeg"), "jpg", "jpeg");
        put(ContentType.of("image/gif"), "gif");
        put(ContentType.of("image/webp"), "webp");
        put(ContentType.of("image/avif"), "avif");
        put(ContentType.of("image/x-icon"), "ico");
        put(ContentType.of("font/woff2"), "woff2");
        put(ContentType.of("font/woff"), "woff");
        put(ContentType.of("font/ttf"), "ttf");
        put(ContentType.of("font/otf"), "otf");
        put(ContentType.of("application/wasm"), "wasm");
        put(ContentType.of("application/pdf"), "pdf");
        put(ContentType.of("application/zip"), "zip");
        put(ContentType.of("application/gzip"), "gz");
        put(ContentType.of("application/x-brotli"), "br");
        put(ContentType.of("video/mp4"), "mp4");
        put(ContentType.of("audio/mpeg"), "mp3");
    }

    private ContentTypes() {
    }

    private static void put(ContentType type, String... extensions) {
        for (String e : extensions) {
            BY_EXTENSION.put(e, type);
        }
    }

    /** The content type for a file named {@code fileName}. */
    public static ContentType forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        int slash = fileName.lastIndexOf('/');
        if (dot < 0 || dot < slash) {
            return ContentType.APPLICATION_OCTET_STREAM;
        }
        ContentType t = BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return t != null ? t : ContentType.APPLICATION_OCTET_STREAM;
    }
}
