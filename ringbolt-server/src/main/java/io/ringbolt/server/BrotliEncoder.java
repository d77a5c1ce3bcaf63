package io.ringbolt.server;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.ringbolt.http.ContentEncoder;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.codec.ByteBuf;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code br} (RFC 7932) for dynamic responses through brotli4j's JNI binding of the reference
 * encoder. Quality 4 with a 4 MiB window: on-the-fly compression, where the higher qualities
 * cost far more CPU than they save bytes. Stateless; any thread (each call uses its own native
 * encoder).
 *
 * <p>The native library comes from the {@code native-linux-x86_64} module, found by brotli4j
 * through {@code ServiceLoader} and loaded with {@code System.load}; where it cannot load
 * {@link #offer} logs one line and leaves br off, so gzip still works and the server starts.
 */
final class BrotliEncoder implements ContentEncoder {
    /** Quality for dynamic bodies: 0 (fastest) to 11 (smallest). */
    static final int QUALITY = 4;

    private static final System.Logger LOG = System.getLogger("io.ringbolt.server");

    private final Encoder.Parameters parameters = new Encoder.Parameters().setQuality(QUALITY).setWindow(22)
            .setMode(Encoder.Mode.TEXT);

    private BrotliEncoder() {
    }

    /** Whether the native Brotli library loaded; the cause is logged by {@link #offer} when not. */
    static boolean available() {
        try {
            return Brotli4jLoader.isAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** {@code options} with br offered when the native library loads, else as they are (after one log line). */
    static HttpOptions offer(HttpOptions options) {
        Throwable cause;
        try {
            if (Brotli4jLoader.isAvailable()) {
                return options.withContentEncoder(new BrotliEncoder());
            }
            cause = Brotli4jLoader.getUnavailabilityCause();
        } catch (LinkageError | RuntimeException e) {
            cause = e;
        }
        LOG.log(System.Logger.Level.WARNING, "serve: Brotli native library unavailable, br compression off (gzip still on): "
                + rootMessage(cause));
        return options;
    }

    private static String rootMessage(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t) : t + " (" + root + ")";
    }

    @Override
    public String token() {
        return "br";
    }

    @Override
    public void encode(byte[] src, int off, int len, ByteBuf out) {
        try {
            out.write(Encoder.compress(src, off, len, parameters));
        } catch (IOException e) {
            throw new UncheckedIOException("brotli encode of " + len + " bytes", e);
        }
    }
}
