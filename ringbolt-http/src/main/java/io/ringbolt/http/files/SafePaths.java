package io.ringbolt.http.files;

import io.ringbolt.http.codec.PercentCodec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns the still percent-encoded rest of a request path into a file below a root, refusing
 * everything that could leave it: {@code .} and {@code ..} segments (also encoded, e.g.
 * {@code %2e%2e}), encoded slashes and backslashes, NUL, empty segments, dot-files, and
 * (checked separately with {@link #isInside}) symbolic links that resolve outside the real
 * root. Stateless; any thread.
 */
public final class SafePaths {
    private SafePaths() {
    }

    /**
     * The relative path named by {@code rawRemainder} ("css/app.css"), or null when it is not
     * a plain path below the root.
     */
    public static String relative(String rawRemainder) {
        if (rawRemainder == null) {
            return null;
        }
        int plain = plainVerdict(rawRemainder); // "" is refused there: one empty segment
        if (plain != NEEDS_DECODING) {
            return plain == PLAIN ? rawRemainder : null;
        }
        return decodedRelative(rawRemainder);
    }

    /** {@link #relative} by decoding every segment (the general case; package-private for tests). */
    static String decodedRelative(String rawRemainder) {
        if (rawRemainder == null || rawRemainder.isEmpty()) {
            return null;
        }
        String lower = rawRemainder.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            return null;
        }
        StringBuilder out = new StringBuilder(rawRemainder.length());
        for (String raw : rawRemainder.split("/", -1)) {
            String segment = PercentCodec.decode(raw, false);
            if (segment.isEmpty() || segment.startsWith(".") || segment.indexOf('/') >= 0
                    || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0 || segment.indexOf(':') >= 0) {
                return null;
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(segment);
        }
        return out.toString();
    }

    private static final int PLAIN = 0, REFUSED = 1, NEEDS_DECODING = 2;

    /**
     * The common case without allocating: no percent-escape, so every segment is itself, and
     * the checks of {@link #relative} reduce to one pass over the characters. Same verdicts.
     */
    private static int plainVerdict(String raw) {
        boolean segmentStart = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                return NEEDS_DECODING;
            }
            if (segmentStart && (c == '/' || c == '.')) {
                return REFUSED; // an empty segment, or one starting with a dot
            }
            if (c == '\\' || c == '\0' || c == ':') {
                return REFUSED;
            }
            segmentStart = c == '/';
        }
        return segmentStart ? REFUSED : PLAIN; // a trailing slash ends in an empty segment
    }

    /** The lexical file for {@code relative} below {@code realRoot}, or null if it would leave it. */
    public static Path resolve(Path realRoot, String relative) {
        Path p = realRoot.resolve(relative).normalize();
        return p.startsWith(realRoot) && !p.equals(realRoot) ? p : null;
    }

    /** True if {@code file} exists and its real path (symbolic links resolved) lies below {@code realRoot}. */
    public static boolean isInside(Path realRoot, Path file) {
        try {
            Path real = file.toRealPath();
            return real.startsWith(realRoot) && !real.equals(realRoot);
        } catch (IOException e) {
            return false;
        }
    }
}
