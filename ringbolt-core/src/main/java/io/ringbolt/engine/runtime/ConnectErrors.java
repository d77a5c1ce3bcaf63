package io.ringbolt.engine.runtime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * The exceptions a failed outbound connect completes its future with: each names the address
 * and the cause, the same on both backends ({@code connect to /127.0.0.1:1 failed: ECONNREFUSED
 * (connection refused)}). The io_uring backend knows the errno; the NIO backend maps the JDK's
 * message back to it, keeping the JDK's exception as the cause.
 */
public final class ConnectErrors {
    private ConnectErrors() {
    }

    /**
     * The kernel refused or ended the connect.
     *
     * @param target    the address connected to
     * @param errnoName the errno's name ({@code ECONNREFUSED}), or a description when unknown
     * @param cause     the backend's own exception, or null
     */
    public static IOException failed(InetSocketAddress target, String errnoName, Throwable cause) {
        String description = describe(errnoName);
        String message = "connect to " + target + " failed: " + errnoName + (description == null ? "" : " (" + description + ")");
        IOException e = switch (errnoName) {
            case "EHOSTUNREACH", "ENETUNREACH" -> new NoRouteToHostException(message);
            case "ETIMEDOUT" -> new SocketTimeoutException(message);
            default -> new ConnectException(message);
        };
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** No answer within the caller's timeout (the connect, or the name resolution before it). */
    public static SocketTimeoutException timedOut(InetSocketAddress target, long timeoutNs) {
        return new SocketTimeoutException("connect to " + target + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
    }

    /** The host name did not resolve. */
    static UnknownHostException unresolvable(InetSocketAddress requested, Exception cause) {
        UnknownHostException e = new UnknownHostException("connect to " + requested.getHostString() + ":"
                + requested.getPort() + " failed: cannot resolve " + requested.getHostString()
                + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        e.initCause(cause);
        return e;
    }

    /** The engine is stopping or stopped; no new connection is made. */
    static ConnectException stopping(InetSocketAddress target) {
        return new ConnectException("connect to " + target + " failed: the engine is stopping");
    }

    /** The reactor holds as many connections as it may. */
    static ConnectException full(InetSocketAddress target, int maxConnections) {
        return new ConnectException("connect to " + target + " failed: reactor full (max-connections-per-reactor="
                + maxConnections + ")");
    }

    /** The caller cancelled the future before the connect completed. */
    static ConnectException cancelled(InetSocketAddress target) {
        return new ConnectException("connect to " + target + " cancelled");
    }

    /**
     * The errno name behind a JDK socket exception's message ({@code "Connection refused"} →
     * {@code ECONNREFUSED}), or the message itself when it is not one of the connect errors.
     */
    public static String errnoNameOf(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "ECONNREFUSED";
        } else if (lower.contains("connection reset")) {
            return "ECONNRESET";
        } else if (lower.contains("no route to host")) {
            return "EHOSTUNREACH";
        } else if (lower.contains("network is unreachable")) {
            return "ENETUNREACH";
        } else if (lower.contains("timed out")) {
            return "ETIMEDOUT";
        } else if (lower.contains("cannot assign requested address")) {
            return "EADDRNOTAVAIL";
        } else if (lower.contains("too many open files")) {
            return "EMFILE";
        } else if (lower.contains("broken pipe")) {
            return "EPIPE";
        }
        return m;
    }

    /** What an errno means for a connect, in a few words; null for a name not listed. */
    static String describe(String errnoName) {
        return switch (errnoName) {
            case "ECONNREFUSED" -> "connection refused";
            case "ECONNRESET" -> "connection reset by peer";
            case "ECONNABORTED" -> "connection aborted";
            case "EHOSTUNREACH" -> "no route to host";
            case "ENETUNREACH" -> "network is unreachable";
            case "ETIMEDOUT" -> "no answer from the peer";
            case "EADDRNOTAVAIL" -> "no local address or port free";
            case "EMFILE" -> "too many open files: raise ulimit -n";
            case "ENFILE" -> "too many open files in the system";
            case "ENOBUFS", "ENOMEM" -> "out of kernel memory";
            case "EPIPE" -> "broken pipe";
            case "ECANCELED" -> "cancelled";
            case "EAFNOSUPPORT" -> "address family not supported";
            case "EACCES", "EPERM" -> "not permitted";
            default -> null;
        };
    }
}
