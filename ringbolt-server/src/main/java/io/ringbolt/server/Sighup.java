package io.ringbolt.server;

import sun.misc.Signal;

/**
 * SIGHUP → a task, for reopening log files after rotation. The JDK has no supported API for
 * signals; {@code sun.misc.Signal} (module {@code jdk.unsupported}) is what servers on the JDK
 * use. Replacing the JVM's own HUP handler also means SIGHUP no longer starts a shutdown,
 * which is what a daemon wants.
 */
final class Sighup {
    private Sighup() {
    }

    /**
     * Runs {@code task} on the JVM's signal thread for every SIGHUP (keep it short).
     *
     * @return false when the signal cannot be handled here (the JVM was started with
     *         {@code -Xrs}, or the platform has no SIGHUP)
     */
    static boolean install(Runnable task) {
        try {
            Signal.handle(new Signal("HUP"), sig -> task.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.getLogger("io.ringbolt.server").log(System.Logger.Level.WARNING, "SIGHUP handler not installed: " + e.getMessage());
            return false;
        }
    }
}
