package io.ringbolt.http.files;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path's rest to a relative file: traversal, dot-files, encoded separators and
 * empty segments are refused, and the allocation-free path for unescaped input gives exactly
 * the verdicts of the decoding one.
 */
class SafePathsTest {

    @Test
    void plainPathsAreThemselvesAndTraversalIsRefused() {
        assertThat(SafePaths.relative("css/app.css")).isEqualTo("css/app.css");
        assertThat(SafePaths.relative("bold.woff2")).isEqualTo("bold.woff2");
        assertThat(SafePaths.relative("a%20b.txt")).isEqualTo("a b.txt");
        for (String bad : new String[] {"../etc/passwd", "a/../../b", ".env", "a/.git/config", "a//b", "/abs", "dir/",
                "%2e%2e/x", "a%2fb", "a%5cb", "a%00b", "a\\b", "c:x", "a/%2E%2E/b"}) {
            assertThat(SafePaths.relative(bad)).as(bad).isNull();
        }
    }

    @Property(tries = 3000)
    void theFastPathAgreesWithDecoding(@ForAll("paths") String raw) {
        assertThat(SafePaths.relative(raw)).isEqualTo(SafePaths.decodedRelative(raw));
    }

    @Provide
    Arbitrary<String> paths() {
        // Mostly unescaped input (the fast path), with the characters that matter over-represented.
        return Arbitraries.strings().withChars("ab./\\:%\0-_~2eEfF5cC0").ofMinLength(1).ofMaxLength(16);
    }
}
