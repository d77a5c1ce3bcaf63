package io.ringbolt.server;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code net.ipv4.tcp_migrate_req}: whether the kernel hands the connections queued on a closing
 * SO_REUSEPORT listener to another listener of the group (1) or resets them (0, the default).
 */
final class ReuseportMigration {
    static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private ReuseportMigration() {
    }

    /** Turns migration on; returns the previous value for {@link #restore}; aborts the test when impossible. */
    static String enable() {
        if (!Files.exists(SYSCTL)) {
            Assumptions.abort(SYSCTL + " does not exist (Linux before 5.14): a closing SO_REUSEPORT listener resets its queue");
        }
        try {
            String previous = Files.readString(SYSCTL).trim();
            if (!"1".equals(previous)) {
                Files.writeString(SYSCTL, "1");
            }
            return previous;
        } catch (IOException e) {
            Assumptions.abort("cannot set " + SYSCTL + " to 1 (" + e + "): a closing SO_REUSEPORT listener resets its queue");
            return null;
        }
    }

    static void restore(String previous) throws IOException {
        if (previous != null && !"1".equals(previous)) {
            Files.writeString(SYSCTL, previous);
        }
    }
}
