package io.ringbolt.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Ringbolt was built as, from a resource Maven filters at build time. */
final class RingboltVersion {
    /** Shown when neither the resource nor a jar manifest names a version (an IDE build). */
    static final String UNKNOWN = "(development build)";

    private static final String VERSION = load();

    private RingboltVersion() {
    }

    /** The version, e.g. {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}; {@link #UNKNOWN} if unknown. */
    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = RingboltVersion.class.getResourceAsStream("ringbolt-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String manifest = RingboltVersion.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : UNKNOWN;
    }
}
