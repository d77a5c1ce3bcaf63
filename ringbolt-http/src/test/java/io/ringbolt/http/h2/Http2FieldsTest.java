package io.ringbolt.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The per-stream field list and the request side's string cache (allocation savings that must not change contents). */
class Http2FieldsTest {

    @Test
    void keepsOrderGrowsAndClears() {
        Http2Fields f = new Http2Fields(1);
        for (int i = 0; i < 20; i++) {
            f.add("n" + i, "v" + i);
        }
        assertEquals(20, f.size());
        assertEquals("n13", f.name(13));
        assertEquals("v19", f.value(19));
        assertEquals("v0", f.get("n0"));
        assertNull(f.get("missing"));
        assertThrows(IndexOutOfBoundsException.class, () -> f.name(20));
        f.clear();
        assertEquals(0, f.size());
        assertNull(f.get("n0"));
        assertThrows(IndexOutOfBoundsException.class, () -> f.value(0));
        f.add("a", "b");
        assertEquals("a: b\n", f.toString());
    }

    @Test
    void stringCacheReturnsTheSameStringForTheSameBytesOnly() {
        RequestFieldsSink.StringCache cache = new RequestFieldsSink.StringCache();
        byte[] block = "xx:path/plaintext".getBytes(StandardCharsets.ISO_8859_1);
        String first = cache.get(block, 2, 5, false);
        assertEquals(":path", first);
        assertSame(first, cache.get(":path".getBytes(StandardCharsets.ISO_8859_1), 0, 5, false));
        // Every other content comes back as itself, whatever slot it shares.
        for (int i = 0; i < 500; i++) {
            String s = "v" + i;
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(s, cache.get(b, 0, b.length, false));
        }
        byte[] latin1 = {(byte) 0xE9, 'a'};
        assertEquals("\u00E9a", cache.get(latin1, 0, 2, false));
        assertEquals("", cache.get(block, 0, 0, false));
    }

    @Test
    void stringCacheKeepsNeitherSensitiveNorLongValues() {
        RequestFieldsSink.StringCache cache = new RequestFieldsSink.StringCache();
        byte[] secret = "Bearer abc".getBytes(StandardCharsets.ISO_8859_1);
        String a = cache.get(secret, 0, secret.length, true);
        assertEquals("Bearer abc", a);
        assertNotSame(a, cache.get(secret, 0, secret.length, true));
        byte[] longValue = "x".repeat(RequestFieldsSink.StringCache.MAX_LENGTH + 1).getBytes(StandardCharsets.ISO_8859_1);
        String l = cache.get(longValue, 0, longValue.length, false);
        assertEquals(longValue.length, l.length());
        assertNotSame(l, cache.get(longValue, 0, longValue.length, false));
    }
}
