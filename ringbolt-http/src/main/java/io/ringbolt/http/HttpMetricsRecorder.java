package io.ringbolt.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One reactor's HTTP counters. Written only by that reactor's thread with opaque stores (no
 * atomics, no allocation), read by {@link HttpServer#metrics()} from any thread. The shared
 * {@link #DISABLED} recorder, handed out when {@link HttpServer#metricsEnabled(boolean)} is off,
 * records nothing: every method returns before touching a counter.
 */
final class HttpMetricsRecorder {
    /** Records nothing; shared by every reactor of a server whose metrics are off. */
    static final HttpMetricsRecorder DISABLED = new HttpMetricsRecorder(false);

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int REQUESTS = 0;
    private static final int REJECTIONS = REQUESTS + HttpMetrics.METHODS * HttpMetrics.CLASSES;
    private static final int BUCKETS = REJECTIONS + HttpMetrics.Rejection.VALUES.length;
    private static final int IN_FLIGHT = BUCKETS + HttpMetrics.BUCKETS;
    private static final int SUM_NS = IN_FLIGHT + 1;
    private static final int SIZE = SUM_NS + 1;

    private final boolean enabled;
    private final long[] values;

    HttpMetricsRecorder() {
        this(true);
    }

    private HttpMetricsRecorder(boolean enabled) {
        this.enabled = enabled;
        this.values = new long[enabled ? SIZE : 0];
    }

    private void add(int index, long delta) {
        LONGS.setOpaque(values, index, (long) LONGS.getOpaque(values, index) + delta);
    }

    /** A request is in flight: an HTTP/1.1 head was parsed, or an HTTP/2 stream's request dispatched. */
    void started() {
        if (enabled) {
            add(IN_FLIGHT, 1);
        }
    }

    /** A request counted by {@link #started()} ended without a response (reset, or its connection closed first). */
    void abandoned() {
        if (enabled) {
            add(IN_FLIGHT, -1);
        }
    }

    /**
     * A response is finished.
     *
     * @param counted whether it ends a request counted by {@link #started()} (and not yet ended)
     */
    void finished(HttpMethod method, int status, long durationNs, boolean counted) {
        if (!enabled) {
            return;
        }
        int cls = status / 100;
        cls = cls < 1 ? 1 : Math.min(cls, HttpMetrics.CLASSES);
        add(REQUESTS + method.ordinal() * HttpMetrics.CLASSES + cls - 1, 1);
        if (counted) {
            add(IN_FLIGHT, -1);
        }
        long d = Math.max(0, durationNs);
        long[] bounds = HttpMetrics.BUCKET_BOUNDS_NS;
        int b = 0;
        while (b < bounds.length && d > bounds[b]) {
            b++;
        }
        add(BUCKETS + b, 1);
        add(SUM_NS, d);
    }

    /** The server answered an error itself. */
    void rejected(int status) {
        if (!enabled) {
            return;
        }
        add(REJECTIONS + HttpMetrics.Rejection.of(status).ordinal(), 1);
    }

    /** Adds this reactor's values into the snapshot arrays. Any thread. */
    void addTo(long[] requests, long[] rejections, long[] buckets, long[] scalars) {
        if (!enabled) {
            return;
        }
        for (int i = 0; i < requests.length; i++) {
            requests[i] += (long) LONGS.getOpaque(values, REQUESTS + i);
        }
        for (int i = 0; i < rejections.length; i++) {
            rejections[i] += (long) LONGS.getOpaque(values, REJECTIONS + i);
        }
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += (long) LONGS.getOpaque(values, BUCKETS + i);
        }
        scalars[0] += (long) LONGS.getOpaque(values, IN_FLIGHT);
        scalars[1] += (long) LONGS.getOpaque(values, SUM_NS);
    }

    /** Sums recorders into a snapshot. */
    static HttpMetrics snapshot(HttpMetricsRecorder[] recorders) {
        long[] requests = new long[HttpMetrics.METHODS * HttpMetrics.CLASSES];
        long[] rejections = new long[HttpMetrics.Rejection.VALUES.length];
        long[] buckets = new long[HttpMetrics.BUCKETS];
        long[] scalars = new long[2];
        for (HttpMetricsRecorder r : recorders) {
            if (r != null) {
                r.addTo(requests, rejections, buckets, scalars);
            }
        }
        return new HttpMetrics(requests, rejections, scalars[0], buckets, scalars[1]);
    }
}
