package io.ringbolt.http.hpack;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The 61 predefined entries of RFC 7541 Appendix A, indices 1–61. */
final class StaticTable {
    private StaticTable() {
    }

    static final int LENGTH = 61;

    private static final String[][] ENTRIES = {
            {":authority", ""},
            {":method", "GET"},
            {":method", "POST"},
            {":path", "/"},
            {":path", "/index.html"},
            {":scheme", "http"},
            {":scheme", "https"},
            {":status", "200"},
            {":status", "204"},
            {":status", "206"},
            {":status", "304"},
            {":status", "400"},
            {":status", "404"},
            {":status", "500"},
            {"accept-charset", ""},
            {"accept-encoding", "gzip, deflate"},
            {"accept-language", ""},
            {"accept-ranges", ""},
            {"accept", ""},
            {"access-control-allow-origin", ""},
            {"age", ""},
            {"allow", ""},
            {"authorization", ""},
            {"cache-control", ""},
            {"content-disposition", ""},
            {"content-encoding", ""},
            {"content-language", ""},
            {"content-length", ""},
            {"content-location", ""},
            {"content-range", ""},
            {"content-type", ""},
            {"cookie", ""},
            {"date", ""},
            {"etag", ""},
            {"expect", ""},
            {"expires", ""},
            {"from", ""},
            {"host", ""},
            {"if-match", ""},
            {"if-modified-since", ""},
            {"if-none-match", ""},
            {"if-range", ""},
            {"if-unmodified-since", ""},
            {"last-modified", ""},
            {"link", ""},
            {"location", ""},
            {"max-forwards", ""},
            {"proxy-authenticate", ""},
            {"proxy-authorization", ""},
            {"range", ""},
            {"referer", ""},
            {"refresh", ""},
            {"retry-after", ""},
            {"server", ""},
            {"set-cookie", ""},
            {"strict-transport-security", ""},
            {"transfer-encoding", ""},
            {"user-agent", ""},
            {"vary", ""},
            {"via", ""},
            {"www-authenticate", ""},
    };

    private static final byte[][] NAMES = new byte[LENGTH + 1][];
    private static final byte[][] VALUES = new byte[LENGTH + 1][];
    /** First index of each name. */
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    static {
        for (int i = 1; i <= LENGTH; i++) {
            String name = ENTRIES[i - 1][0];
            String value = ENTRIES[i - 1][1];
            NAMES[i] = name.getBytes(StandardCharsets.ISO_8859_1);
            VALUES[i] = value.getBytes(StandardCharsets.ISO_8859_1);
            BY_NAME.putIfAbsent(name, i);
        }
    }

    static byte[] name(int index) {
        return NAMES[index];
    }

    static byte[] value(int index) {
        return VALUES[index];
    }

    static String nameString(int index) {
        return ENTRIES[index - 1][0];
    }

    static String valueString(int index) {
        return ENTRIES[index - 1][1];
    }

    /** Index of the first entry named {@code name}, or 0. */
    static int indexOfName(String name) {
        Integer index = BY_NAME.get(name);
        return index == null ? 0 : index;
    }

    /**
     * Index of the entry {@code name: value}, or 0. Only {@code :method}, {@code :path},
     * {@code :scheme}, {@code :status} and {@code accept-encoding} have values in the table, so
     * other names are answered without building a key.
     */
    static int indexOfField(String name, String value) {
        if (value.isEmpty()) {
            return 0;
        }
        int byName = indexOfName(name);
        if (byName == 0) {
            return 0;
        }
        for (int i = byName; i <= LENGTH && ENTRIES[i - 1][0].equals(name); i++) {
            if (ENTRIES[i - 1][1].equals(value)) {
                return i;
            }
        }
        return 0;
    }
}
