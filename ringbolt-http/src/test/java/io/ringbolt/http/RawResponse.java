package io.ringbolt.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A response parsed back from the wire, for assertions. */
record RawResponse(int status, Map<String, String> headers, String body, String raw) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Splits {@code wire} into responses. {@code headRequests} lists, per response, whether the
     * request was HEAD (no body). A 1xx is returned as its own entry.
     */
    static List<RawResponse> parseAll(String wire, boolean... headRequests) {
        List<RawResponse> out = new ArrayList<>();
        int p = 0;
        int finals = 0;
        while (p < wire.length()) {
            int end = wire.indexOf("\r\n\r\n", p);
            if (end < 0) {
                throw new AssertionError("incomplete head: " + wire.substring(p));
            }
            String[] lines = wire.substring(p, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                String name = lines[i].substring(0, c).toLowerCase(Locale.ROOT);
                String value = lines[i].substring(c + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
            int bodyStart = end + 4;
            String body;
            int next;
            boolean head = status >= 200 && finals < headRequests.length && headRequests[finals];
            if (status < 200 || status == 204 || status == 304 || head) {
                body = "";
                next = bodyStart;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                int q = bodyStart;
                while (true) {
                    int eol = wire.indexOf("\r\n", q);
                    int size = Integer.parseInt(wire.substring(q, eol).split(";")[0].trim(), 16);
                    q = eol + 2;
                    if (size == 0) {
                        q = wire.indexOf("\r\n", q) + 2;
                        break;
                    }
                    b.writeBytes(wire.substring(q, q + size).getBytes(StandardCharsets.ISO_8859_1));
                    q += size + 2;
                }
                body = b.toString(StandardCharsets.ISO_8859_1);
                next = q;
            } else if (headers.containsKey("content-length")) {
                int n = Integer.parseInt(headers.get("content-length"));
                body = wire.substring(bodyStart, bodyStart + n);
                next = bodyStart + n;
            } else {
                body = wire.substring(bodyStart);
                next = wire.length();
            }
            out.add(new RawResponse(status, headers, body, wire.substring(p, next)));
            if (status >= 200) {
                finals++;
            }
            p = next;
        }
        return out;
    }

    /** Like {@link #parseAll} but stops quietly at an incomplete response. */
    static List<RawResponse> parseAllOrEmpty(String wire) {
        try {
            return parseAll(wire);
        } catch (RuntimeException | AssertionError e) {
            return List.of();
        }
    }

    static RawResponse parseOne(String wire) {
        List<RawResponse> all = parseAll(wire);
        if (all.size() != 1) {
            throw new AssertionError("expected one response, got " + all.size() + ": " + wire);
        }
        return all.getFirst();
    }
}
