package io.ringbolt.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed route pattern: {@code /users/{id}/files/*}. Segments are literals (matched against
 * the percent-decoded request segment), {@code {name}} parameters (one non-empty segment), or a
 * final wildcard {@code *} / {@code {name...}} matching the rest of the path. Immutable.
 */
record PathPattern(String text, List<Segment> segments) {

    /** A pattern segment. */
    record Segment(Kind kind, byte[] literal, String name) {
    }

    /** Segment kinds. */
    enum Kind { LITERAL, PARAM, WILDCARD }

    /** The parameter name of a bare {@code *} wildcard. */
    static final String WILDCARD_NAME = "*";

    /** Parses {@code text}; throws naming the problem. */
    static PathPattern parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException("route=" + text + " (a pattern starts with '/')");
        }
        List<Segment> out = new ArrayList<>();
        if (text.length() > 1) {
            String[] parts = text.substring(1).split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                String s = parts[i];
                boolean last = i == parts.length - 1;
                if (s.equals("*") || (s.startsWith("{") && s.endsWith("...}"))) {
                    if (!last) {
                        throw new IllegalArgumentException("route=" + text + " (a wildcard must be the last segment)");
                    }
                    String name = s.equals("*") ? WILDCARD_NAME : s.substring(1, s.length() - 4);
                    out.add(new Segment(Kind.WILDCARD, null, checkName(text, name)));
                } else if (s.startsWith("{") && s.endsWith("}")) {
                    out.add(new Segment(Kind.PARAM, null, checkName(text, s.substring(1, s.length() - 1))));
                } else {
                    if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0 || s.indexOf('*') >= 0) {
                        throw new IllegalArgumentException("route=" + text + " (segment '" + s
                                + "' mixes a literal with a parameter or wildcard)");
                    }
                    out.add(new Segment(Kind.LITERAL, s.getBytes(StandardCharsets.UTF_8), null));
                }
            }
        }
        return new PathPattern(text, List.copyOf(out));
    }

    private static String checkName(String text, String name) {
        if (name.isEmpty() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0 || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("route=" + text + " (invalid parameter name '" + name + "')");
        }
        return name;
    }
}
