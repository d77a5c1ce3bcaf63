package io.ringbolt.server;

import io.ringbolt.http.codec.ByteBuf;

/**
 * A small streaming JSON writer into a reusable {@link ByteBuf}, for the hot benchmark
 * endpoints: objects, arrays, strings (escaped per RFC 8259), integers and booleans, written
 * straight as UTF-8 bytes with no intermediate objects. Jackson reads the dataset at start-up;
 * this writes the responses, because a per-request tree or reflection-driven serialiser would
 * dominate the cost of {@code /json}. Not thread-safe: one per reactor thread.
 */
final class JsonWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_DEPTH = 32;

    private final ByteBuf out;
    private final boolean[] first = new boolean[MAX_DEPTH];
    private int depth;

    JsonWriter(ByteBuf out) {
        this.out = out;
    }

    /** Forgets the previous document. */
    JsonWriter reset() {
        out.clear();
        depth = 0;
        return this;
    }

    ByteBuf buffer() {
        return out;
    }

    JsonWriter beginObject() {
        separator();
        out.write('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        out.write('}');
        return this;
    }

    JsonWriter beginArray() {
        separator();
        out.write('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        out.write(']');
        return this;
    }

    /** Writes a member name; the next value belongs to it. */
    JsonWriter name(String name) {
        separator();
        string(name);
        out.write(':');
        first[depth - 1] = true;
        return this;
    }

    JsonWriter value(String s) {
        separator();
        string(s);
        return this;
    }

    JsonWriter value(long v) {
        separator();
        out.writeDecimal(v);
        return this;
    }

    JsonWriter value(double v) {
        separator();
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.writeDecimal((long) v);
        } else if (Double.isFinite(v)) {
            out.writeLatin1(Double.toString(v));
        } else {
            out.writeLatin1("null");
        }
        return this;
    }

    JsonWriter value(boolean v) {
        separator();
        out.writeLatin1(v ? "true" : "false");
        return this;
    }

    private void push() {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("JSON nesting deeper than " + MAX_DEPTH);
        }
        first[depth++] = true;
    }

    private void separator() {
        if (depth == 0) {
            return;
        }
        if (first[depth - 1]) {
            first[depth - 1] = false;
        } else {
            out.write(',');
        }
    }

    private void string(String s) {
        out.write('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.write('\\').write(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n' -> out.write('\\').write('n');
                    case '\r' -> out.write('\\').write('r');
                    case '\t' -> out.write('\\').write('t');
                    default -> out.write('\\').write('u').write('0').write('0').write(HEX[c >> 4]).write(HEX[c & 0xF]);
                }
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int end = i + 1;
                while (end < n && s.charAt(end) >= 0x80) {
                    end++;
                }
                out.writeUtf8(s.substring(i, end));
                i = end - 1;
            }
        }
        out.write('"');
    }
}
