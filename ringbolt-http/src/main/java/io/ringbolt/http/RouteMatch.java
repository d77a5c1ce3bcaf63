package io.ringbolt.http;

import io.ringbolt.http.codec.PercentCodec;
import io.ringbolt.http.codec.RequestHead;

import java.util.Arrays;

/**
 * The outcome of routing one request: the route (or the not-found / not-allowed route), the
 * {@code Allow} value for 405, and the path parameters as positions in the request head
 * (decoded only when asked for). Reused per connection; reactor thread.
 */
final class RouteMatch {
    Route route;
    String allow;
    private String[] names = new String[4];
    private int[] bounds = new int[8];
    private String[] values = new String[4];
    private int count;

    void reset() {
        route = null;
        allow = null;
        for (int i = 0; i < count; i++) {
            names[i] = null;
            values[i] = null;
        }
        count = 0;
    }

    int mark() {
        return count;
    }

    void rollback(int mark) {
        count = mark;
    }

    /** Records parameter {@code name} as head positions {@code [start, end)}. */
    void push(String name, int start, int end) {
        ensure();
        names[count] = name;
        bounds[count * 2] = start;
        bounds[count * 2 + 1] = end;
        values[count] = null;
        count++;
    }

    /** Records parameter {@code name} with an already decoded value (regex routes). */
    void pushValue(String name, String value) {
        ensure();
        names[count] = name;
        bounds[count * 2] = -1;
        values[count] = value;
        count++;
    }

    private void ensure() {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            values = Arrays.copyOf(values, count * 2);
            bounds = Arrays.copyOf(bounds, count * 4);
        }
    }

    /** The decoded value of parameter {@code name}, or null. */
    String value(String name, RequestHead head) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                String v = values[i];
                if (v == null) {
                    v = PercentCodec.decode(head.segment(), head.base(), bounds[i * 2], bounds[i * 2 + 1], false);
                    values[i] = v;
                }
                return v;
            }
        }
        return null;
    }

    /** Head positions of parameter {@code name} as {@code start << 32 | end}, or -1 (unknown or decoded). */
    long bounds(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return bounds[i * 2] < 0 ? -1 : ((long) bounds[i * 2] << 32) | bounds[i * 2 + 1];
            }
        }
        return -1;
    }

    /** Decodes every parameter so the values survive the head bytes being reused. */
    void materialize(RequestHead head) {
        for (int i = 0; i < count; i++) {
            value(names[i], head);
        }
    }

    int count() {
        return count;
    }

    String name(int i) {
        return names[i];
    }
}
