package io.ringbolt.http;

import io.ringbolt.http.files.StaticFiles;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.ringbolt.http.StaticFilesRangeTest.DATA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any satisfiable single byte range of a static file yields exactly those bytes, whether the
 * file is kept in memory or read from disk per request. Every request waits at most 10 s for
 * the loader ({@link FakeReactor#awaitAndRunTasks}).
 */
class StaticFilesRangePropertiesTest {
    static Path root;
    static FakeReactor reactor;
    static FakeConnection cached;
    static FakeConnection uncached;

    @BeforeContainer
    static void setUp() throws IOException {
        root = Files.createTempDirectory("ringbolt-ranges");
        StaticFilesRangeTest.writeFiles(root);
        reactor = new FakeReactor();
        cached = StaticFilesRangeTest.connection(reactor, StaticFiles.of(root));
        uncached = StaticFilesRangeTest.connection(reactor, StaticFiles.of(root).withCacheLimits(16, 1 << 20));
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> satisfiableRanges() {
        int n = DATA.length;
        Arbitrary<Integer> inside = Arbitraries.integers().between(0, n - 1);
        return Arbitraries.oneOf(
                inside.flatMap(f -> Arbitraries.integers().between(f, 2 * n).map(l -> "bytes=" + f + "-" + l)),
                inside.map(f -> "bytes=" + f + "-"),
                Arbitraries.integers().between(1, 2 * n).map(s -> "bytes=-" + s));
    }

    /** Any satisfiable single range yields exactly those bytes, from memory and from disk alike. */
    @Property(tries = 300)
    void anySatisfiableRangeYieldsExactlyThoseBytes(@ForAll("satisfiableRanges") String range) throws Exception {
        String spec = range.substring("bytes=".length());
        int dash = spec.indexOf('-');
        int n = DATA.length;
        int from;
        int to;
        if (dash == 0) {
            from = Math.max(0, n - Integer.parseInt(spec.substring(1)));
            to = n;
        } else {
            from = Integer.parseInt(spec.substring(0, dash));
            to = dash == spec.length() - 1 ? n : Math.min(n, Integer.parseInt(spec.substring(dash + 1)) + 1);
        }
        for (FakeConnection c : List.of(cached, uncached)) {
            RawResponse r = StaticFilesRangeTest.fetch(reactor, c, "GET", "/static/data.bin", "Range: " + range);
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.header("content-range")).isEqualTo("bytes " + from + "-" + (to - 1) + "/" + n);
            assertThat(r.body()).isEqualTo(StaticFilesRangeTest.latin1(DATA, from, to));
        }
    }
}
