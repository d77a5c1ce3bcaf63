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

    /**
     * Paths made only of literal segments, as an open-addressing table from the raw path bytes
     * to the trie node they end at: one hash pass and one compare instead of a trie walk for
     * the most common routes. Consulted only for paths without '%', whose raw bytes are their
     * decoded bytes; a hit whose methods do not fit falls back to the walk, which then explores
     * the parameter and wildcard alternatives exactly as before.
     */
    private final java.util.LinkedHashMap<String, RouteNode> literalPaths = new java.util.LinkedHashMap<>();
    private byte[][] exactKeys;
    private RouteNode[] exactNodes;
    private int exactMask;

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
        buildExactTable();
    }

    private void buildExactTable() {
        if (literalPaths.isEmpty()) {
            return;
        }
        int size = Integer.highestOneBit(literalPaths.size() * 4 - 1) << 1;
        exactKeys = new byte[size][];
        exactNodes = new RouteNode[size];
        exactMask = size - 1;
        literalPaths.forEach((path, node) -> {
            byte[] key = path.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int i = hash(key, 0, key.length) & exactMask;
            while (exactKeys[i] != null) {
                i = (i + 1) & exactMask;
            }
            exactKeys[i] = key;
            exactNodes[i] = node;
        });
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** The terminal of an all-literal route whose path is exactly the request's, or null. */
    private MethodTable exact(RequestHead head, HttpMethod method) {
        byte[][] keys = exactKeys;
        int start = head.pathStart();
        int end = head.pathEnd();
        if (keys == null || end - start < 1) {
            return null;
        }
        java.lang.foreign.MemorySegment seg = head.segment();
        long base = head.base();
        int h = 0x811C9DC5;
        for (int i = start; i < end; i++) {
            byte b = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, base + i);
            if (b == '%') {
                return null;
            }
            h = (h ^ b) * 0x01000193;
        }
        h ^= h >>> 15;
        int len = end - start;
        for (int i = h & exactMask; ; i = (i + 1) & exactMask) {
            byte[] key = keys[i];
            if (key == null) {
                return null;
            }
            if (key.length == len && sameBytes(seg, base + start, key)) {
                MethodTable t = exactNodes[i].terminal;
                return acceptable(t, head, method) ? t : null;
            }
        }
    }

    private static boolean sameBytes(java.lang.foreign.MemorySegment seg, long at, byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    private void add(Route route) {
        PathPattern pattern = PathPattern.parse(route.pattern);
        RouteNode node = root;
        StringBuilder literalPath = new StringBuilder();
        boolean allLiteral = true;
        for (PathPattern.Segment s : pattern.segments()) {
            if (s.kind() == PathPattern.Kind.LITERAL && allLiteral) {
                literalPath.append('/');
                for (byte b : s.literal()) {
                    // A raw path spells '/' and '%' only as separators and escapes: such
                    // labels are reached through the walk alone.
                    allLiteral &= b != '/' && b != '%';
                    literalPath.append((char) (b & 0xFF));
                }
            } else {
                allLiteral = false;
            }
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
        if (allLiteral) {
            literalPaths.put(literalPath.isEmpty() ? "/" : literalPath.toString(), node);
        }
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
        MethodTable t = walk(head, method, out);
        if (t != null) {
            out.route = t.find(method, head);
            return;
        }
        if (!regexRoutes.isEmpty() && matchRegex(head, method, out)) {
            return;
        }
        out.reset();
        List<MethodTable> matching = new ArrayList<>();
        int start = head.pathStart();
        int end = head.pathEnd();
        collect(root, head, start + 1, end, end - start > 1, matching);
        if (!regexRoutes.isEmpty()) {
            String path = decodedPath(head);
            for (RegexEntry e : regexRoutes) {
                if (e.pattern.matcher(path).matches()) {
                    matching.add(e.methods);
                }
            }
        }
        if (matching.isEmpty()) {
            out.route = notFound;
        } else {
            // RFC 9110 §10.2.1: Allow lists what the target resource supports, so every route
            // whose pattern matches the path contributes.
            out.allow = MethodTable.allowOf(matching);
            out.route = method == HttpMethod.OPTIONS ? options : methodNotAllowed;
        }
    }

    /** Every method table whose pattern matches the path, whatever its methods (the walk's order). */
    private void collect(RouteNode node, RequestHead head, int p, int end, boolean more, List<MethodTable> out) {
        if (!more) {
            if (node.terminal != null) {
                out.add(node.terminal);
            }
            return;
        }
        int segEnd = p;
        while (segEnd < end && head.byteAt(segEnd) != '/') {
            segEnd++;
        }
        boolean nextMore = segEnd < end;
        RouteNode literal = node.literalChild(head, p, segEnd);
        if (literal != null) {
            collect(literal, head, segEnd + 1, end, nextMore, out);
        }
        if (node.param != null && segEnd > p) {
            collect(node.param, head, segEnd + 1, end, nextMore, out);
        }
        if (node.wildcard != null) {
            out.add(node.wildcard);
        }
    }

    private MethodTable walk(RequestHead head, HttpMethod method, RouteMatch out) {
        MethodTable t = exact(head, method);
        if (t != null) {
            return t;
        }
        int start = head.pathStart();
        int end = head.pathEnd();
        boolean more = end - start > 1;
        return find(root, head, start + 1, end, more, method, out);
    }

    private MethodTable find(RouteNode node, RequestHead head, int p, int end, boolean more, HttpMethod method,
                             RouteMatch out) {
        if (!more) {
            return acceptable(node.terminal, head, method) ? node.terminal : null;
        }
        int segEnd = p;
        while (segEnd < end && head.byteAt(segEnd) != '/') {
            segEnd++;
        }
        boolean nextMore = segEnd < end;
        RouteNode literal = node.literalChild(head, p, segEnd);
        if (literal != null) {
            MethodTable t = find(literal, head, segEnd + 1, end, nextMore, method, out);
            if (t != null) {
                return t;
            }
        }
        if (node.param != null && segEnd > p) {
            int mark = out.mark();
            out.push(node.paramName, p, segEnd);
            MethodTable t = find(node.param, head, segEnd + 1, end, nextMore, method, out);
            if (t != null) {
                return t;
            }
            out.rollback(mark);
        }
        if (acceptable(node.wildcard, head, method)) {
            out.push(node.wildcardName, p, end);
            return node.wildcard;
        }
        return null;
    }

    private static boolean acceptable(MethodTable t, RequestHead head, HttpMethod method) {
        return t != null && t.find(method, head) != null;
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

    static String decodedPath(RequestHead head) {
        if (head.pathStart() == head.pathEnd()) {
            return "/";
        }
        return PercentCodec.decode(head.segment(), head.base(), head.pathStart(), head.pathEnd(), false);
    }
}
