package io.ringbolt.http.h2;

import java.util.Arrays;

/**
 * A list of header fields in order, names lower case (RFC 9113 §8.2). One array of names and
 * values side by side, so a list costs two objects however many fields it holds (a request or
 * a response head is one of these per stream).
 */
public final class Http2Fields {
    /** name 0, value 0, name 1, value 1, ... */
    private String[] pairs;
    private int size;

    public Http2Fields() {
        this(8);
    }

    /** @param capacity how many fields fit before the array grows */
    public Http2Fields(int capacity) {
        pairs = new String[2 * Math.max(1, capacity)];
    }

    public Http2Fields add(String name, String value) {
        if (2 * size == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * size] = name;
        pairs[2 * size + 1] = value;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return pairs[2 * checkIndex(i)];
    }

    public String value(int i) {
        return pairs[2 * checkIndex(i) + 1];
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equals(name)) {
                return pairs[2 * i + 1];
            }
        }
        return null;
    }

    public void clear() {
        Arrays.fill(pairs, 0, 2 * size, null);
        size = 0;
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, size);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < size; i++) {
            s.append(pairs[2 * i]).append(": ").append(pairs[2 * i + 1]).append('\n');
        }
        return s.toString();
    }
}
