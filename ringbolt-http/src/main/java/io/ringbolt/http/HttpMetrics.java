package io.ringbolt.http;

import java.util.Arrays;

/**
 * A snapshot of an {@link HttpServer}'s request metrics, summed over reactors
 * ({@link HttpServer#metrics()}). Each reactor records its own requests without atomics; the
 * snapshot reads them from another thread, so while traffic flows it is slightly stale and may
 * mix instants (a request counted by status but not yet in the duration histogram). Immutable.
 *
 * <p>Requests are counted when their response is finished (the same moment as a
 * {@link CompletionListener}), by method and status class. Rejections are the errors the server
 * answers itself before or instead of a handler (malformed heads, limits, timeouts).
 * Durations run from the parsed head to the response handed to the connection, on the
 * reactor's loop clock (no clock read per request): a request answered within one loop
 * iteration records 0.
 */
public final class HttpMetrics {
    /**
     * Upper bounds (inclusive, in seconds) of the request-duration histogram's buckets; a last,
     * unbounded bucket follows. Fixed so that snapshots from every server merge.
     */
    private static final double[] BUCKET_BOUNDS_SECONDS = {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final long[] BUCKET_BOUNDS_NS = new long[BUCKET_BOUNDS_SECONDS.length];
    static {
        for (int i = 0; i < BUCKET_BOUNDS_SECONDS.length; i++) {
            BUCKET_BOUNDS_NS[i] = Math.round(BUCKET_BOUNDS_SECONDS[i] * 1e9);
        }
    }
    /** Buckets including the unbounded last one. */
    static final int BUCKETS = BUCKET_BOUNDS_SECONDS.length + 1;
    static final int METHODS = HttpMethod.values().length;
    /** Status classes 1xx to 5xx. */
    static final int CLASSES = 5;

    /** Why the server answered a request with an error itself. */
    public enum Rejection {
        /** 400: a malformed request line, field or chunked body. */
        BAD_REQUEST(400),
        /** 408: the head or body did not arrive in time. */
        REQUEST_TIMEOUT(408),
        /** 413: the body exceeds the configured limit. */
        CONTENT_TOO_LARGE(413),
        /** 414: the request target or line is too long. */
        URI_TOO_LONG(414),
        /** 417: an unsupported Expect field. */
        EXPECTATION_FAILED(417),
        /** 431: the head is too large or has too many fields. */
        HEADER_FIELDS_TOO_LARGE(431),
        /** 501: an unsupported method (CONNECT, an overlong method) or transfer coding. */
        NOT_IMPLEMENTED(501),
        /** 503: no memory for the body, or the server is stopping. */
        SERVICE_UNAVAILABLE(503),
        /** 505: an unsupported HTTP version. */
        VERSION_NOT_SUPPORTED(505),
        /** Any other status the server answered itself. */
        OTHER(0);

        private final int status;

        Rejection(int status) {
            this.status = status;
        }

        /** The status code answered, or 0 for {@link #OTHER}. */
        public int status() {
            return status;
        }

        static Rejection of(int status) {
            for (Rejection r : VALUES) {
                if (r.status == status) {
                    return r;
                }
            }
            return OTHER;
        }

        static final Rejection[] VALUES = values();
    }

    private final long[] requests;
    private final long[] rejections;
    private final long inFlight;
    private final long[] buckets;
    private final long durationSumNs;

    HttpMetrics(long[] requests, long[] rejections, long inFlight, long[] buckets, long durationSumNs) {
        this.requests = requests;
        this.rejections = rejections;
        this.inFlight = inFlight;
        this.buckets = buckets;
        this.durationSumNs = durationSumNs;
    }

    /** The histogram's finite upper bounds in seconds, ascending (a copy). */
    public static double[] bucketBoundsSeconds() {
        return BUCKET_BOUNDS_SECONDS.clone();
    }

    /**
     * Finished requests with this method and status class.
     *
     * @param statusClass 1 to 5 (1xx to 5xx)
     */
    public long requests(HttpMethod method, int statusClass) {
        if (statusClass < 1 || statusClass > CLASSES) {
            throw new IllegalArgumentException("status class must be 1..5: " + statusClass);
        }
        return requests[method.ordinal() * CLASSES + statusClass - 1];
    }

    /** Finished requests of any method and status. */
    public long requests() {
        long sum = 0;
        for (long v : requests) {
            sum += v;
        }
        return sum;
    }

    /** Requests the server answered itself with this error. */
    public long rejections(Rejection kind) {
        return rejections[kind.ordinal()];
    }

    /**
     * Requests being handled: HTTP/1.1 requests whose head was parsed and HTTP/2 streams whose
     * request was dispatched, until their response is finished, the stream is reset or the
     * connection closes.
     */
    public long inFlight() {
        return inFlight;
    }

    /**
     * Requests whose duration fell into bucket {@code i} (not cumulative): at most
     * {@code bucketBoundsSeconds()[i]} and more than the bound before it; the index
     * {@code bucketBoundsSeconds().length} is the unbounded last bucket.
     */
    public long bucketCount(int i) {
        return buckets[i];
    }

    /** Requests in the duration histogram (the sum of every bucket). */
    public long durationCount() {
        long sum = 0;
        for (long v : buckets) {
            sum += v;
        }
        return sum;
    }

    /** Sum of the durations in the histogram, in nanoseconds. */
    public long durationSumNanos() {
        return durationSumNs;
    }

    @Override
    public String toString() {
        return "HttpMetrics[requests=" + requests() + ", rejections=" + Arrays.toString(rejections) + ", inFlight="
                + inFlight + ", buckets=" + Arrays.toString(buckets) + ", durationSumNs=" + durationSumNs + "]";
    }
}
