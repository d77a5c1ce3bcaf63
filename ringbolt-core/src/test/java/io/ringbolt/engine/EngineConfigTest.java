package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid settings fail fast with a message that starts with the offending key. */
@Timeout(10)
class EngineConfigTest {

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                invalid("reactors=", b -> b.reactors(0)),
                invalid("reactors=", b -> b.reactors(1025)),
                invalid("buffer-count=", b -> b.bufferCount(3)),
                invalid("buffer-count=", b -> b.bufferCount(1)),
                invalid("buffer-size=", b -> b.bufferSize(100)),
                invalid("ring-entries=", b -> b.ringEntries(100)),
                invalid("completion-entries=", b -> b.ringEntries(64).completionEntries(32)),
                invalid("max-connections=", b -> b.maxConnectionsPerReactor(0)),
                invalid("backlog=", b -> b.backlog(0)),
                invalid("write-high-water=", b -> b.writeWaterMarks(0, 512)),
                invalid("write-low-water=", b -> b.writeWaterMarks(64 * 1024, 64 * 1024)),
                invalid("write-low-water=", b -> b.writeWaterMarks(128 * 1024, 64 * 1024)),
                invalid("max-receive-buffer=", b -> b.bufferSize(64 * 1024).maxReceiveBufferBytes(1024)),
                invalid("idle-timeout=", b -> b.idleTimeout(Duration.ofSeconds(-1))),
                invalid("write-timeout=", b -> b.writeTimeout(Duration.ofMillis(-1))),
                invalid("write-timeout=", b -> b.writeTimeout(null)),
                invalid("shutdown-grace=", b -> b.shutdownGrace(null)),
                invalid("thread-name-prefix=", b -> b.threadNamePrefix(" ")),
                invalid("backend=", b -> b.backend(null)),
                invalid("accept-mode=", b -> b.acceptMode(null)));
    }

    private static Arguments invalid(String key, UnaryOperator<Engine.Builder> change) {
        return Arguments.of(key, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidValueIsRejectedNamingItsKey(String key, UnaryOperator<Engine.Builder> change) {
        Engine.Builder builder = change.apply(Engine.builder());
        assertThatThrownBy(builder::buildConfig)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key);
        // start() validates before it touches the network or starts a thread.
        assertThatThrownBy(change.apply(Engine.builder().backend(Backend.NIO))::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key);
    }

    @Test
    void badPortAndMissingHandlerAreRejected() {
        assertThatThrownBy(() -> Engine.builder().bind("127.0.0.1", 70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port=");
        assertThatThrownBy(() -> Engine.builder().backend(Backend.NIO).bind("127.0.0.1", 0).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("handler=");
    }

    @Test
    void namesParseCaseInsensitively() {
        assertThat(Backend.parse("IO-URING")).isEqualTo(Backend.IO_URING);
        assertThat(Backend.parse(" nio ")).isEqualTo(Backend.NIO);
        assertThat(AcceptMode.parse("Acceptor")).isEqualTo(AcceptMode.ACCEPTOR);
        assertThatThrownBy(() -> Backend.parse("epoll")).hasMessageStartingWith("backend=");
        assertThatThrownBy(() -> AcceptMode.parse("x")).hasMessageStartingWith("accept-mode=");
    }

    @Test
    void defaultsAreValid() {
        EngineConfig c = Engine.builder().buildConfig();
        assertThat(c.reactorCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.writeLowWaterMark()).isLessThan(c.writeHighWaterMark());
        assertThat(c.idleTimeoutNs()).isZero();
        assertThat(c.writeTimeout()).isEqualTo(Duration.ofSeconds(60));
    }
}
