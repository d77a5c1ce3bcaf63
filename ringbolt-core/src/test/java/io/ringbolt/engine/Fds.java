package io.ringbolt.engine;

import java.io.File;

/** Open file descriptors of this JVM (Linux /proc), for leak checks. */
public final class Fds {
    private Fds() {
    }

    /** True when {@link #openCount()} can be measured here. */
    public static boolean countable() {
        return new File("/proc/self/fd").isDirectory();
    }

    /** Number of open file descriptors of this process. */
    public static int openCount() {
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            throw new IllegalStateException("/proc/self/fd is not readable");
        }
        // The listing's own directory fd is in the result on every call, so counts compare.
        return names.length;
    }
}
