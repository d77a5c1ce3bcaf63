package io.ringbolt.http;

import io.ringbolt.http.codec.RequestHead;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The routes of one path pattern by method. HEAD falls back to GET. Lookups of the known
 * methods index an array; extension methods (rare) go through a map.
 */
final class MethodTable {
    private final Route[] known = new Route[HttpMethod.values().length];
    private final Map<String, Route> extension = new LinkedHashMap<>();
    private String allow;

    void add(Route route) {
        Route previous = route.method != HttpMethod.OTHER
                ? known[route.method.ordinal()]
                : extension.get(route.methodName);
        if (previous != null) {
            throw new IllegalArgumentException("route=" + route + " (registered twice)");
        }
        if (route.method != HttpMethod.OTHER) {
            known[route.method.ordinal()] = route;
        } else {
            extension.put(route.methodName, route);
        }
        allow = null;
    }

    /** The route for the request's method, or null. */
    Route find(HttpMethod method, RequestHead head) {
        if (method != HttpMethod.OTHER) {
            Route r = known[method.ordinal()];
            if (r == null && method == HttpMethod.HEAD) {
                r = known[HttpMethod.GET.ordinal()];
            }
            return r;
        }
        if (extension.isEmpty()) {
            return null;
        }
        return extension.get(head.latin1(head.methodStart(), head.methodEnd()));
    }

    /** The {@code Allow} value: every method answered here, HEAD with GET, and OPTIONS. */
    /** The Allow value of several tables together: their methods, in the same order as {@link #allow()}. */
    static String allowOf(java.util.List<MethodTable> tables) {
        if (tables.size() == 1) {
            return tables.getFirst().allow();
        }
        EnumSet<HttpMethod> set = EnumSet.noneOf(HttpMethod.class);
        TreeSet<String> extensions = new TreeSet<>();
        for (MethodTable t : tables) {
            for (HttpMethod m : HttpMethod.values()) {
                if (m != HttpMethod.OTHER && t.known[m.ordinal()] != null) {
                    set.add(m);
                }
            }
            extensions.addAll(t.extension.keySet());
        }
        return joinAllow(set, extensions);
    }

    String allow() {
        String a = allow;
        if (a == null) {
            EnumSet<HttpMethod> set = EnumSet.noneOf(HttpMethod.class);
            for (HttpMethod m : HttpMethod.values()) {
                if (m != HttpMethod.OTHER && known[m.ordinal()] != null) {
                    set.add(m);
                }
            }
            a = joinAllow(set, new TreeSet<>(extension.keySet()));
            allow = a;
        }
        return a;
    }

    private static String joinAllow(EnumSet<HttpMethod> set, TreeSet<String> extensions) {
        if (set.contains(HttpMethod.GET)) {
            set.add(HttpMethod.HEAD);
        }
        set.add(HttpMethod.OPTIONS);
        StringJoiner j = new StringJoiner(", ");
        set.forEach(m -> j.add(m.name()));
        extensions.forEach(j::add);
        return j.toString();
    }
}
