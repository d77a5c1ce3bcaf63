package io.ringbolt.http;

import io.ringbolt.http.codec.PercentCodec;
import io.ringbolt.http.codec.RequestHead;

import java.util.Arrays;

/**
 * One level of the route trie: literal children (compared with the percent-decoded request
 * segment, without allocating), at most one parameter child, an optional wildcard, and the
 * methods answered when the path ends here. Built once, then read-only (any thread).
 */
final class RouteNode {
    private static final byte[] EMPTY = new byte[0];
    private byte[][] labels = new byte[0][];
    private RouteNode[] children = new RouteNode[0];
    RouteNode param;
    String paramName;
    MethodTable wildcard;
    String wildcardName;
    MethodTable terminal;

    RouteNode literalChild(byte[] label, boolean create) {
        for (int i = 0; i < labels.length; i++) {
            if (Arrays.equals(labels[i], label)) {
                return children[i];
            }
        }
        if (!create) {
            return null;
        }
        RouteNode n = new RouteNode();
        labels = Arrays.copyOf(labels, labels.length + 1);
        children = Arrays.copyOf(children, children.length + 1);
        labels[labels.length - 1] = label;
        children[children.length - 1] = n;
        return n;
    }

    /** The literal child matching head positions {@code [from, to)}, or null. */
    RouteNode literalChild(RequestHead head, int from, int to) {
        int rawLength = to - from;
        if (rawLength == 0) {
            return literalChild(EMPTY, false);
        }
        byte first = head.byteAt(from);
        byte[][] ls = labels;
        for (int i = 0; i < ls.length; i++) {
            byte[] label = ls[i];
            // A decoded segment is between a third of its raw length and the raw length; its
            // first byte is the raw first byte unless that starts an escape.
            if (label.length <= rawLength && label.length * 3 >= rawLength
                    && (first == '%' || (label.length > 0 && label[0] == first))
                    && PercentCodec.decodedEquals(head.segment(), head.base(), from, to, label)) {
                return children[i];
            }
        }
        return null;
    }
}
