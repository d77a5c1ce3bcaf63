package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --share-port} (issue 16): off by default, so a second {@code echo}/{@code serve} on a held port exits with the reason. */
@Timeout(60)
class SharePortIntegrationTest {

    /** A command with just the engine flags, to see what they turn into. */
    static final class Flags {
        @Mixin
        EngineOptions options;
    }

    @Test
    void sharePortIsOffByDefaultAndTheFlagTurnsItOn() {
        Flags plain = new Flags();
        new CommandLine(plain).parseArgs();
        assertThat(plain.options.builder().buildConfig().shareListenPort()).isFalse();
        Flags shared = new Flags();
        new CommandLine(shared).parseArgs("--share-port");
        assertThat(shared.options.builder().buildConfig().shareListenPort()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void echoOnAPortAnotherServerHoldsExitsNamingTheAddressAndTheFlag(Backend backend) throws Exception {
        try (Engine holder = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(1)
                .handler(c -> new Ignore()).start()) {
            // In a child JVM: Main configures the process's logging.
            Processes.Result r = Processes.run(List.of(
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "echo", "--port", Integer.toString(holder.port()),
                    "--backend", backend.displayName(), "--reactors", "2"), Duration.ofSeconds(40));
            int status = r.exitCode();
            String stderr = r.stderr();
            assertThat(status).isEqualTo(2);
            assertThat(stderr)
                    .contains("127.0.0.1:" + holder.port())
                    .contains("address already in use")
                    .contains("--share-port");
        }
    }

    private static final class Ignore implements ConnectionHandler {
        @Override
        public int onData(Connection connection, ByteView data) {
            return data.length();
        }
    }
}
