package io.ringbolt.engine;

/** Which I/O backend an {@link Engine} runs on. */
public enum Backend {
    /** io_uring when the kernel probe passes, otherwise NIO; one log line says which and why. */
    AUTO,
    /** Linux io_uring through FFM; start fails with the probe's reason when it is unavailable. */
    IO_URING,
    /** java.nio selectors; runs on every platform the JDK supports. */
    NIO;

    /**
     * Parses a user-facing name: {@code io_uring}, {@code iouring}, {@code nio} or {@code auto},
     * case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Backend parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace("-", "_");
        return switch (t) {
            case "auto" -> AUTO;
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("backend=" + text + " (expected io_uring, nio or auto)");
        };
    }

    /** The name used on the command line and in log lines. */
    public String displayName() {
        return this == IO_URING ? "io_uring" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
