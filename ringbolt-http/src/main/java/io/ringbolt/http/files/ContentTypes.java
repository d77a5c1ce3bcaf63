package io.ringbolt.http.files;

import io.ringbolt.http.ContentType;

import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content types of static files by extension. The built-in table holds the web's common types
 * (text ones with {@code charset=utf-8}); an extension it lacks is looked up once with the
 * JDK, {@link Files#probeContentType} (on Linux {@code ~/.mime.types} and
 * {@code /etc/mime.types}) and then {@link URLConnection#guessContentTypeFromName} (the JDK's
 * own table), and the answer is remembered; unknown everywhere is
 * {@code application/octet-stream}. Routes add or override types with
 * {@link StaticFiles#withContentType}. Each answer is a shared {@link ContentType}, so serving
 * a file sets its type without allocating. Any thread.
 */
public final class ContentTypes {
    private static final Map<String, ContentType> BUILT_IN = new HashMap<>();
    /** Answers of the JDK lookup by extension; bounded, as extensions come from file names. */
    private static final ConcurrentHashMap<String, ContentType> PROBED = new ConcurrentHashMap<>();
    private static final int MAX_PROBED = 1024;

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
        put(ContentType.of("video/webm"), "webm");
        put(ContentType.of("audio/mpeg"), "mp3");
        put(ContentType.of("audio/ogg"), "ogg");
    }

    private ContentTypes() {
    }

    private static void put(ContentType type, String... extensions) {
        for (String e : extensions) {
            BUILT_IN.put(e, type);
        }
    }

    /** The content type for a file named {@code fileName}: built-in table, then the JDK's lookup. */
    public static ContentType forFileName(String fileName) {
        return forFileName(fileName, Map.of());
    }

    /**
     * The content type for {@code fileName}, looking first in {@code registered} (lower-case
     * extensions without the dot).
     */
    static ContentType forFileName(String fileName, Map<String, ContentType> registered) {
        String extension = extension(fileName);
        if (extension == null) {
            return ContentType.APPLICATION_OCTET_STREAM;
        }
        ContentType t = registered.get(extension);
        if (t == null) {
            t = BUILT_IN.get(extension);
        }
        if (t == null) {
            t = PROBED.get(extension);
        }
        if (t == null) {
            t = probe(extension);
            if (PROBED.size() < MAX_PROBED) {
                PROBED.putIfAbsent(extension, t);
            }
        }
        return t;
    }

    /** The lower-case extension of {@code fileName} without the dot, or null when it has none. */
    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        int slash = fileName.lastIndexOf('/');
        if (dot < 0 || dot < slash || dot == fileName.length() - 1) {
            return null;
        }
        return fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The JDK's answer for a file with {@code extension}, by name only (no file is read). */
    private static ContentType probe(String extension) {
        String name = "f." + extension;
        String type = null;
        try {
            type = Files.probeContentType(Path.of(name));
        } catch (IOException | InvalidPathException | SecurityException e) {
            // fall through to the JDK's built-in table
        }
        if (type == null) {
            type = URLConnection.guessContentTypeFromName(name);
        }
        if (type == null || type.isBlank() || !ContentType.isFieldValue(type)) {
            return ContentType.APPLICATION_OCTET_STREAM;
        }
        return ContentType.of(type);
    }
}
