package io.ringbolt.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits and timeouts of the HTTP layer. Immutable; change a value with a {@code with...}
 * method. Every invalid value is rejected with an {@link IllegalArgumentException} naming its
 * key.
 *
 * @param maxTargetBytes     longest request-target; longer gets 414
 * @param maxHeadBytes       largest request head (request-line and fields); larger gets 431
 * @param maxHeaderCount     most header fields; more gets 431
 * @param maxBodyBytes       largest request body a route buffers; larger gets 413
 * @param headerTimeout      time allowed from the first byte of a request head to its end (slowloris); 408 and close
 * @param keepAliveTimeout   time an idle keep-alive connection is kept between requests; then closed quietly
 * @param serverName         value of the {@code Server} field, or null for none
 * @param contentEncoders    content-codings offered for dynamic bodies besides the built-in gzip, in order of
 *                           preference (they win over gzip at equal q); see {@link ContentEncoder}
 * @param bodyTimeout        most time from the end of a request head to the end of its body, however fast it
 *                           arrives; then 408 and close
 * @param bodyMinRate        bytes per second a request body must average once {@code bodyRateGrace} has passed
 *                           (as Apache's mod_reqtimeout MinRate); slower gets 408 and close; 0 disables
 * @param bodyRateGrace      time a body may take before its rate is checked
 */
public record HttpOptions(
        int maxTargetBytes,
        int maxHeadBytes,
        int maxHeaderCount,
        long maxBodyBytes,
        Duration headerTimeout,
        Duration keepAliveTimeout,
        String serverName,
        List<ContentEncoder> contentEncoders,
        Duration bodyTimeout,
        long bodyMinRate,
        Duration bodyRateGrace) {

    /**
     * 8 KiB target, 16 KiB head, 100 fields, 8 MiB body, 10 s header timeout, 30 s keep-alive,
     * "ringbolt", bodies within 300 s and at 1 KiB/s or faster after 10 s.
     */
    public static HttpOptions defaults() {
        return new HttpOptions(8 * 1024, 16 * 1024, 100, 8L * 1024 * 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(30), "ringbolt", List.of(),
                Duration.ofSeconds(300), 1024, Duration.ofSeconds(10));
    }

    /** Validates every field. */
    public HttpOptions {
        require(maxTargetBytes >= 16 && maxTargetBytes <= 1 << 20, "max-target-bytes", maxTargetBytes, "must be 16..1048576");
        require(maxHeadBytes >= 256 && maxHeadBytes <= 1 << 22, "max-head-bytes", maxHeadBytes, "must be 256..4194304");
        require(maxHeaderCount >= 1 && maxHeaderCount <= 10_000, "max-header-count", maxHeaderCount, "must be 1..10000");
        require(maxBodyBytes >= 0 && maxBodyBytes <= Integer.MAX_VALUE - 64, "max-body-bytes", maxBodyBytes,
                "must be 0..2147483583 (buffered bodies live in one array)");
        requirePositive("header-timeout", headerTimeout);
        requirePositive("keepalive-timeout", keepAliveTimeout);
        requirePositive("body-timeout", bodyTimeout);
        require(bodyMinRate >= 0, "body-min-rate", bodyMinRate, "must be 0 (off) or more bytes per second");
        require(bodyRateGrace != null && !bodyRateGrace.isNegative(), "body-rate-grace", bodyRateGrace, "must be zero or positive");
        if (serverName != null) {
            for (int i = 0; i < serverName.length(); i++) {
                char c = serverName.charAt(i);
                require(c >= 0x20 && c < 0x7F, "server-name", serverName, "printable ASCII only");
            }
        }
        contentEncoders = List.copyOf(contentEncoders == null ? List.of() : contentEncoders);
        List<String> tokens = new ArrayList<>();
        for (ContentEncoder e : contentEncoders) {
            String t = e.token();
            require(t != null && !t.isEmpty() && t.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != ',' && c != ';'
                            && !Character.isUpperCase(c)), "content-encoder", t, "a lower-case token");
            require(!t.equals("gzip") && !t.equals("x-gzip") && !t.equals("identity") && !t.equals("*"),
                    "content-encoder", t, "gzip is built in; identity and * are not codings");
            require(!tokens.contains(t), "content-encoder", t, "registered twice");
            tokens.add(t);
        }
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " (" + rule + ")");
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + "=" + d + " (must be positive)");
        }
    }

    /** With another request-target limit. */
    public HttpOptions withMaxTargetBytes(int value) {
        return new HttpOptions(value, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another request-head limit. */
    public HttpOptions withMaxHeadBytes(int value) {
        return new HttpOptions(maxTargetBytes, value, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another header-count limit. */
    public HttpOptions withMaxHeaderCount(int value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, value, maxBodyBytes, headerTimeout, keepAliveTimeout, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another buffered-body limit. */
    public HttpOptions withMaxBodyBytes(long value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, value, headerTimeout, keepAliveTimeout, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another header-read timeout. */
    public HttpOptions withHeaderTimeout(Duration value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, value, keepAliveTimeout, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another keep-alive idle timeout. */
    public HttpOptions withKeepAliveTimeout(Duration value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, value, serverName, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another {@code Server} value (null: none). */
    public HttpOptions withServerName(String value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout, value, contentEncoders,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /**
     * With {@code encoder} offered for dynamic bodies after the ones already registered (and
     * before the built-in gzip at equal q).
     */
    public HttpOptions withContentEncoder(ContentEncoder encoder) {
        List<ContentEncoder> list = new ArrayList<>(contentEncoders);
        list.add(java.util.Objects.requireNonNull(encoder, "encoder"));
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout,
                serverName, list,
                bodyTimeout, bodyMinRate, bodyRateGrace);
    }

    /** With another total body time limit. */
    public HttpOptions withBodyTimeout(Duration value) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout, serverName,
                contentEncoders, value, bodyMinRate, bodyRateGrace);
    }

    /** With another minimum body rate (bytes per second; 0: off) and its grace period. */
    public HttpOptions withBodyMinRate(long bytesPerSecond, Duration grace) {
        return new HttpOptions(maxTargetBytes, maxHeadBytes, maxHeaderCount, maxBodyBytes, headerTimeout, keepAliveTimeout, serverName,
                contentEncoders, bodyTimeout, bytesPerSecond, grace);
    }
}
