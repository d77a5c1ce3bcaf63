package io.ringbolt.engine;

import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.stream.Stream;

/**
 * The one place that lists the backends the loopback suite runs on. Every integration test
 * takes its backend from here, so a new backend is tested by adding it to {@link #all()}.
 */
public final class TestBackends {
    private TestBackends() {
    }

    /**
     * Backends under test: io_uring and NIO. Both are always listed, so a machine without
     * io_uring fails loudly instead of quietly testing less; to run on such a machine on
     * purpose, pass {@code -Dringbolt.test.backends=nio}.
     */
    public static List<Backend> all() {
        String only = System.getProperty("ringbolt.test.backends");
        if (only != null && !only.isBlank()) {
            return java.util.Arrays.stream(only.split(",")).map(Backend::parse).toList();
        }
        return List.of(Backend.IO_URING, Backend.NIO);
    }

    /** Every backend × every accept mode, for {@code @MethodSource}. */
    public static Stream<Arguments> withAcceptModes() {
        return all().stream().flatMap(b -> Stream.of(AcceptMode.values()).map(m -> Arguments.of(b, m)));
    }
}
