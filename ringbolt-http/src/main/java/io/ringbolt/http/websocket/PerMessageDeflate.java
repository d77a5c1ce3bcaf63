package io.ringbolt.http.websocket;

import java.util.List;
import java.util.Locale;

/**
 * The negotiated parameters of the permessage-deflate extension (RFC 7692) for one connection,
 * and the server's side of the negotiation.
 *
 * <p>The JDK's {@link java.util.zip.Deflater} always compresses with a 32 KiB window (15 bits);
 * it cannot be told to use a smaller one. So when a client offers
 * {@code server_max_window_bits=N} with N below 15, the server accepts N but also answers
 * {@code server_no_context_takeover} (which RFC 7692 §7.1.1.1 lets a server add on its own) and
 * compresses only messages of at most 2^N bytes: a fresh context per message and a message no
 * longer than the window mean no back-reference can reach further than 2^N bytes. Longer
 * messages go out uncompressed (RSV1 clear), which the extension allows per message.
 * {@code client_max_window_bits} needs nothing from the server: the JDK's
 * {@link java.util.zip.Inflater} reads any window up to 15 bits, so the parameter is accepted
 * and left out of the answer (the client then may use up to 15 bits).
 */
public final class PerMessageDeflate {
    /** The extension's registered name. */
    public static final String NAME = "permessage-deflate";
    static final int MAX_WINDOW_BITS = 15, MIN_WINDOW_BITS = 8;

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final int serverMaxWindowBits;
    private final boolean serverMaxWindowBitsSent;

    PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverMaxWindowBits,
                      boolean serverMaxWindowBitsSent) {
        this.serverNoContextTakeover = serverNoContextTakeover;
        this.clientNoContextTakeover = clientNoContextTakeover;
        this.serverMaxWindowBits = serverMaxWindowBits;
        this.serverMaxWindowBitsSent = serverMaxWindowBitsSent;
    }

    /** The server resets its compressor after every message. */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /** The client resets its compressor after every message (so the server may reset its decompressor). */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    /** The server's LZ77 window, 8..15 bits. */
    public int serverMaxWindowBits() {
        return serverMaxWindowBits;
    }

    /** Largest message the server compresses (see the class comment), or {@code Integer.MAX_VALUE}. */
    int maxCompressedMessageBytes() {
        return serverMaxWindowBits >= MAX_WINDOW_BITS ? Integer.MAX_VALUE : 1 << serverMaxWindowBits;
    }

    /** The value of the {@code Sec-WebSocket-Extensions} response field that accepts these parameters. */
    public String responseHeaderValue() {
        StringBuilder sb = new StringBuilder(NAME);
        if (serverNoContextTakeover) {
            sb.append("; server_no_context_takeover");
        }
        if (clientNoContextTakeover) {
            sb.append("; client_no_context_takeover");
        }
        if (serverMaxWindowBitsSent) {
            sb.append("; server_max_window_bits=").append(serverMaxWindowBits);
        }
        return sb.toString();
    }

    /**
     * Accepts the first permessage-deflate offer in the client's {@code Sec-WebSocket-Extensions}
     * fields that the server can honour (RFC 7692 §5, §7.1); offers with unknown, repeated or
     * malformed parameters are declined.
     *
     * @param fieldValues           every {@code Sec-WebSocket-Extensions} value of the request
     * @param forceNoContextTakeover the server resets its compressor after every message anyway
     * @return the accepted parameters, or null to decline the extension
     */
    public static PerMessageDeflate negotiate(List<String> fieldValues, boolean forceNoContextTakeover) {
        for (String value : fieldValues) {
            for (String offer : splitOutsideQuotes(value, ',')) {
                PerMessageDeflate accepted = accept(offer, forceNoContextTakeover);
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    /** The client's offer: plain {@code permessage-deflate}, plus {@code client_no_context_takeover} if it resets anyway. */
    static String clientOffer(boolean clientNoContextTakeover) {
        return clientNoContextTakeover ? NAME + "; client_no_context_takeover" : NAME;
    }

    /**
     * The client's side (RFC 7692 §5.2): the parameters in the server's answer to
     * {@link #clientOffer}, or null if the answer is not a valid one for it (an unknown, repeated
     * or malformed parameter, or {@code client_max_window_bits}, which the client did not offer:
     * the JDK's Deflater cannot use a smaller window). {@code server_max_window_bits} needs
     * nothing (the Inflater reads any window).
     */
    static PerMessageDeflate fromResponse(String value, boolean clientNoContextTakeover) {
        List<String> offers = splitOutsideQuotes(value, ',');
        if (offers.size() != 1) {
            return null;
        }
        List<String> parts = splitOutsideQuotes(offers.get(0), ';');
        if (parts.isEmpty() || !parts.get(0).trim().equalsIgnoreCase(NAME)) {
            return null;
        }
        boolean serverNoContext = false, clientNoContext = false, serverBits = false;
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).trim();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String arg = eq < 0 ? null : unquote(p.substring(eq + 1).trim());
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (serverNoContext || arg != null) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case "client_no_context_takeover" -> {
                    if (clientNoContext || arg != null) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case "server_max_window_bits" -> {
                    if (serverBits || windowBits(arg) < 0) {
                        return null;
                    }
                    serverBits = true;
                }
                default -> {
                    return null;
                }
            }
        }
        // The client compresses with a full window; the window field only bounds what the server compresses.
        return new PerMessageDeflate(serverNoContext, clientNoContext || clientNoContextTakeover, MAX_WINDOW_BITS, false);
    }

    private static PerMessageDeflate accept(String offer, boolean forceNoContextTakeover) {
        List<String> parts = splitOutsideQuotes(offer, ';');
        if (parts.isEmpty() || !parts.get(0).trim().equalsIgnoreCase(NAME)) {
            return null;
        }
        boolean serverNoContext = false, clientNoContext = false, clientBits = false;
        int serverBits = -1;
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).trim();
            if (p.isEmpty()) {
                return null;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String arg = eq < 0 ? null : unquote(p.substring(eq + 1).trim());
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (serverNoContext || arg != null) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case "client_no_context_takeover" -> {
                    if (clientNoContext || arg != null) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case "server_max_window_bits" -> {
                    if (serverBits >= 0) {
                        return null;
                    }
                    serverBits = windowBits(arg);
                    if (serverBits < 0) {
                        return null;
                    }
                }
                case "client_max_window_bits" -> {
                    if (clientBits || (arg != null && windowBits(arg) < 0)) {
                        return null;
                    }
                    clientBits = true;
                }
                default -> {
                    return null;
                }
            }
        }
        boolean smallWindow = serverBits >= 0 && serverBits < MAX_WINDOW_BITS;
        return new PerMessageDeflate(serverNoContext || forceNoContextTakeover || smallWindow, clientNoContext,
                serverBits < 0 ? MAX_WINDOW_BITS : serverBits, serverBits >= 0);
    }

    /** 8..15 from a parameter value, or -1 when it is absent or not one (RFC 7692 §7.1.2). */
    private static int windowBits(String arg) {
        if (arg == null || arg.isEmpty() || arg.length() > 2) {
            return -1;
        }
        for (int i = 0; i < arg.length(); i++) {
            if (arg.charAt(i) < '0' || arg.charAt(i) > '9') {
                return -1;
            }
        }
        if (arg.charAt(0) == '0') {
            return -1;
        }
        int bits = Integer.parseInt(arg);
        return bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS ? bits : -1;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Splits on {@code separator} outside double quotes; empty pieces of a list are dropped. */
    static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new java.util.ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : separator;
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                String piece = s.substring(start, i).trim();
                if (!piece.isEmpty() || separator == ';') {
                    out.add(piece);
                }
                start = i + 1;
            }
        }
        return out;
    }
}
