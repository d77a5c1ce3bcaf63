package io.ringbolt.engine;

/** How accepted connections reach reactors. */
public enum AcceptMode {
    /** Every reactor has its own listening socket with SO_REUSEPORT: share-nothing (default). */
    REUSEPORT,
    /** One acceptor thread accepts and hands connections round-robin to reactors. */
    ACCEPTOR;

    /**
     * Parses {@code reuseport} or {@code acceptor}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AcceptMode parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "reuseport" -> REUSEPORT;
            case "acceptor" -> ACCEPTOR;
            default -> throw new IllegalArgumentException("accept-mode=" + text + " (expected reuseport or acceptor)");
        };
    }
}
