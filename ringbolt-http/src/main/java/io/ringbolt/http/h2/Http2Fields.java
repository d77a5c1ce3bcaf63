package io.ringbolt.http.h2;

import java.util.ArrayList;
import java.util.List;

/** A list of header fields in order, names lower case (RFC 9113 §8.2). */
public final class Http2Fields {
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public Http2Fields add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public String value(int i) {
        return values.get(i);
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    public void clear() {
        names.clear();
        values.clear();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            s.append(names.get(i)).append(": ").append(values.get(i)).append('\n');
        }
        return s.toString();
    }
}
