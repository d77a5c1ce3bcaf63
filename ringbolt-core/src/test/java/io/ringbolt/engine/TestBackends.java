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

    /** Backends under test. The io_uring owner adds {@link Backend#IO_URING} here. */
    public static List<Backend> all() {
        return List.of(Backend.NIO);
    }

    /** Every backend × every accept mode, for {@code @MethodSource}. */
    public static Stream<Arguments> withAcceptModes() {
        return all().stream().flatMap(b -> Stream.of(AcceptMode.values()).map(m -> Arguments.of(b, m)));
    }
}
