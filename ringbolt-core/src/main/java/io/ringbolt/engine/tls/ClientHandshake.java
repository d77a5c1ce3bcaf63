package io.ringbolt.engine.tls;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One client connection's handshake: the stand-in handler of a {@link TlsConnection} until the
 * handshake is done, and the future {@link TlsClient#connect} returns. When the handshake
 * finishes it creates the application's handler, opens it and completes the future with the
 * connection; when the connection closes first (a failed handshake, an EOF or reset, the
 * timeout, the engine stopping) it fails the future with an exception naming the server and
 * the cause, and no application handler is ever created.
 *
 * <p>Reactor thread, except {@link #future} and the cancellation it sets up.
 */
final class ClientHandshake implements ConnectionHandler {
    private final String host;
    private final HandlerFactory handlerFactory;
    private final Duration timeout;
    private final CompletableFuture<Connection> result = new CompletableFuture<>();
    /** Set when the TCP connection opened; read by a cancelling thread. */
    private volatile TlsConnection connection;
    private Cancellable timer;
    /** The server's address, for messages (a closed connection may no longer know it). */
    private String peer = "?";
    /** Why the handshake is failing, when this class decided it (timeout, EOF, shutdown). */
    private Exception cause;

    ClientHandshake(String host, HandlerFactory handlerFactory, Duration timeout) {
        this.host = host;
        this.handlerFactory = handlerFactory;
        this.timeout = timeout;
    }

    /**
     * The future for the caller: the TCP connect's failure, or the handshake's outcome.
     * Cancelling it cancels the connect, or aborts the connection if it is open.
     */
    CompletableFuture<Connection> future(CompletableFuture<Connection> tcp) {
        tcp.whenComplete((c, e) -> {
            if (e != null) {
                result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        result.whenComplete((c, e) -> {
            if (result.isCancelled()) {
                tcp.cancel(false);
                TlsConnection open = connection;
                if (open != null) {
                    open.abort();
                }
            }
        });
        return result;
    }

    @Override
    public void onOpen(Connection c) {
        TlsConnection tls = (TlsConnection) c;
        connection = tls;
        peer = String.valueOf(c.remoteAddress());
        if (result.isDone()) {
            tls.abort(); // cancelled while the TCP connect completed
            return;
        }
        timer = c.reactor().schedule(timeout.toNanos(), TimeUnit.NANOSECONDS, this::timedOut);
    }

    /** The handshake is done: the application's handler takes over. */
    void handshakeDone(TlsConnection tls) {
        cancelTimer();
        if (result.isDone()) {
            tls.abort(); // cancelled meanwhile
            return;
        }
        try {
            ConnectionHandler handler = Objects.requireNonNull(handlerFactory.newHandler(tls), "handler factory returned null");
            tls.startApplication(handler);
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            throw e; // the engine closes the connection with HANDLER_ERROR
        }
        result.complete(tls);
    }

    private void timedOut() {
        TlsConnection tls = connection;
        if (tls == null || result.isDone()) {
            return;
        }
        failWith(new SocketTimeoutException(what(tls) + " timed out after " + timeout.toMillis() + " ms"));
        tls.abort();
    }

    @Override
    public int onData(Connection c, ByteView data) {
        throw new IllegalStateException("plaintext before the TLS handshake finished");
    }

    @Override
    public void onInputClosed(Connection c) {
        failWith(new SSLHandshakeException(what(c) + " failed: the server closed the connection"));
        c.abort();
    }

    @Override
    public void onShutdown(Connection c) {
        failWith(new ConnectException(what(c) + " failed: the engine is stopping"));
        c.abort();
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        cancelTimer();
        if (result.isDone()) {
            return;
        }
        Exception failure = cause;
        if (failure == null) {
            Exception jdk = ((TlsConnection) c).failureCause();
            failure = new SSLHandshakeException(what(c) + " failed: "
                    + (jdk != null ? jdk.getMessage() : "the connection closed (" + reason + ")"));
            if (jdk != null) {
                failure.initCause(jdk);
            }
        }
        result.completeExceptionally(failure);
    }

    private void failWith(Exception e) {
        if (cause == null) {
            cause = e;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private String what(Connection c) {
        return "TLS handshake with " + host + " (" + peer + ")";
    }
}
