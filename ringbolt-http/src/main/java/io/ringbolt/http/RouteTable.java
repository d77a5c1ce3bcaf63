package io.ringbolt.http;

import io.ringbolt.http.codec.PercentCodec;
import io.ringbolt.http.codec.RequestHead;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compiled routes: a segment trie for patterns, then regular-expression routes in
 * registration order. Matching walks the request path's bytes in place, prefers literal over
 * parameter over wildcard at each segment, and backtracks. A path that matches with another
 * method gives 405 with {@code Allow}; OPTIONS on such a path gives 204 with {@code Allow}; an
 * extension method no route answers anywhere gives 501.
 * Read-only after construction; any thread.
 */
final class RouteTable {
    private static final String SERVER_WIDE_ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";

    private final RouteNode root = new RouteNode();
    private final List<RegexEntry> regexRoutes = new ArrayList<>();
    private final Route notFound;
    private final Route methodNotAllowed;
    private final Route options;
    private final Route notImplemented;
    private final java.util.Set<String> extensionMethods = new java.util.HashSet<>();

    private record RegexEntry(Pattern pattern, MethodTable methods, List<String> groupNames) {
    }

    RouteTable(List<Route> routes, Route notFound, Route methodNotAllowed, Route options, Route notImplemented) {
        this.notFound = notFound;
        this.methodNotAllowed = methodNotAllowed;
        this.options = options;
        this.notImplemented = notImplemented;
        for (Route r : routes) {
            if (r.method == HttpMethod.OTHER) {
                extensionMethods.add(r.methodName);
            }
            if (r.regex != null) {
                addRegex(r);
            } else {
                add(r);
            }
        }
    }

    private void add(Route route) {
        PathPattern pattern = PathPattern.parse(route.pattern);
        RouteNode node = root;
        for (PathPattern.Segment s : pattern.segments()) {
            switch (s.kind()) {
                case LITERAL -> node = node.literalChild(s.literal(), true);
                case PARAM -> {
                    if (node.param == null) {
                        node.param = new RouteNode();
                        node.paramName = s.name();
                    } else if (!node.paramName.equals(s.name())) {
                        throw new IllegalArgumentException("route=" + route + " (parameter {" + s.name()
                                + "} conflicts with {" + node.paramName + "} at the same position)");
                    }
                    node = node.param;
                }
                case WILDCARD -> {
                    if (node.wildcard == null) {
                        node.wildcard = new MethodTable();
                        node.wildcardName = s.name();
                    } else if (!node.wildcardName.equals(s.name())) {
                        throw new IllegalArgumentException("route=" + route + " (wildcard name conflicts)");
                    }
                    node.wildcard.add(route);
                    return;
                }
            }
        }
        if (node.terminal == null) {
            node.terminal = new MethodTable();
        }
        node.terminal.add(route);
    }

    private void addRegex(Route route) {
        for (RegexEntry e : regexRoutes) {
            if (e.pattern.pattern().equals(route.regex.pattern())) {
                e.methods.add(route);
                return;
            }
        }
        MethodTable t = new MethodTable();
        t.add(route);
        Map<String, Integer> groups = route.regex.namedGroups();
        List<String> names = new ArrayList<>(groups.keySet());
        regexRoutes.add(new RegexEntry(route.regex, t, names));
    }

    /** Routes the request of {@code head} into {@code out}; always sets a route. */
    void match(RequestHead head, RouteMatch out) {
        out.reset();
        HttpMethod method = head.method();
        if (head.targetForm() == RequestHead.TargetForm.ASTERISK) {
            out.allow = SERVER_WIDE_ALLOW;
            out.route = options;
            return;
        }
        if (head.targetForm() == RequestHead.TargetForm.AUTHORITY) {
            out.route = notFound;
            return;
        }
        if (method == HttpMethod.OTHER && !extensionMethods.contains(head.latin1(head.methodStart(), head.methodEnd()))) {
            // RFC 9110 §9.1: a method the server does not recognise anywhere gets 501.
            out.route = notImplemented;
            return;
        }
        MethodTable t = walk(head, method, false, out);
        if (t != null) {
            out.route = t.find(method, head);
            return;
        }
        if (!regexRoutes.isEmpty() && matchRegex(head, method, out)) {
            return;
        }
        out.reset();
        t = walk(head, method, true, out);
        if (t == null) {
            t = regexAnyMethod(head);
        }
        out.reset();
        if (t == null) {
            out.route = notFound;
        } else {
            out.allow = t.allow();
            out.route = method == HttpMethod.OPTIONS ? options : methodNotAllowed;
        }
    }

    private MethodTable walk(RequestHead head, HttpMethod method, boolean anyMethod, RouteMatch out) {
        int start = head.pathStart();
        int end = head.pathEnd();
        boolean more = end - start > 1;
        return find(root, head, start + 1, end, more, method, anyMethod, out);
    }

    private MethodTable find(RouteNode node, RequestHead head, int p, int end, boolean more, HttpMethod method,
                             boolean anyMethod, RouteMatch out) {
        if (!more) {
            return acceptable(node.terminal, head, method, anyMethod) ? node.terminal : null;
        }
        int segEnd = p;
        while (segEnd < end && head.byteAt(segEnd) != '/') {
            segEnd++;
        }
        boolean nextMore = segEnd < end;
        RouteNode literal = node.literalChild(head, p, segEnd);
        if (literal != null) {
            MethodTable t = find(literal, head, segEnd + 1, end, nextMore, method, anyMethod, out);
            if (t != null) {
                return t;
            }
        }
        if (node.param != null && segEnd > p) {
            int mark = out.mark();
            out.push(node.paramName, p, segEnd);
            MethodTable t = find(node.param, head, segEnd + 1, end, nextMore, method, anyMethod, out);
            if (t != null) {
                return t;
            }
            out.rollback(mark);
        }
        if (acceptable(node.wildcard, head, method, anyMethod)) {
            out.push(node.wildcardName, p, end);
            return node.wildcard;
        }
        return null;
    }

    private static boolean acceptable(MethodTable t, RequestHead head, HttpMethod method, boolean anyMethod) {
        return t != null && (anyMethod || t.find(method, head) != null);
    }

    private boolean matchRegex(RequestHead head, HttpMethod method, RouteMatch out) {
        String path = decodedPath(head);
        for (RegexEntry e : regexRoutes) {
            Route r = e.methods.find(method, head);
            if (r == null) {
                continue;
            }
            Matcher m = e.pattern.matcher(path);
            if (m.matches()) {
                for (String name : e.groupNames) {
                    out.pushValue(name, m.group(name));
                }
                out.route = r;
                return true;
            }
        }
        return false;
    }

    private MethodTable regexAnyMethod(RequestHead head) {
        if (regexRoutes.isEmpty()) {
            return null;
        }
        String path = decodedPath(head);
        for (RegexEntry e : regexRoutes) {
            if (e.pattern.matcher(path).matches()) {
                return e.methods;
            }
        }
        return null;
    }

    static String decodedPath(RequestHead head) {
        if (head.pathStart() == head.pathEnd()) {
            return "/";
        }
        return PercentCodec.decode(head.segment(), head.base(), head.pathStart(), head.pathEnd(), false);
    }
}
