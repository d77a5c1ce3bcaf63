package io.ringbolt.engine;

import java.util.List;

/** Live threads by name, for leak checks. */
public final class Threads {
    private Threads() {
    }

    /** Names of live threads whose name starts with {@code prefix}. */
    public static List<String> alive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .toList();
    }
}
