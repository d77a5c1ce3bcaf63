package io.ringbolt.http;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Reactor;
import io.ringbolt.http.h2.Http2Config;
import io.ringbolt.http.h2.Http2Error;
import io.ringbolt.http.h2.Http2Exception;
import io.ringbolt.http.h2.Http2Fields;
import io.ringbolt.http.h2.Http2ServerSession;
import io.ringbolt.http.h2.Http2Stream;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection on the engine: the engine's bytes go to an {@link Http2ServerSession},
 * its frames to the connection, and each request stream becomes an {@link Http2Exchange} served
 * by the same router as HTTP/1.1. Reached by ALPN {@code h2} on TLS, by the client preface on a
 * cleartext connection (prior knowledge), or on a listener that speaks only h2c. Reactor thread.
 */
final class Http2Connection implements ConnectionHandler, Http2ServerSession.Output, Http2ServerSession.StreamListener {
    private final HttpServer server;
    private final Connection connection;
    private final Reactor reactor;
    private final Http2ServerSession session;
    private Cancellable tick;
    /** For a connection upgraded from HTTP/1.1: the decoded HTTP2-Settings and the request (stream 1). */
    private final byte[] upgradeSettings;
    private final Http2Fields upgradeRequest;

    Http2Connection(HttpServer server, Connection connection, Http2Config config) {
        this(server, connection, config, null, null);
    }

    Http2Connection(HttpServer server, Connection connection, Http2Config config, byte[] upgradeSettings,
                    Http2Fields upgradeRequest) {
        this.server = server;
        this.connection = connection;
        this.reactor = connection.reactor();
        this.session = new Http2ServerSession(this, config, this);
        this.upgradeSettings = upgradeSettings;
        this.upgradeRequest = upgradeRequest;
    }

    /**
     * Whether {@code data} opens with the HTTP/2 client preface: 1 yes, 0 a prefix of it (wait
     * for more), -1 no.
     */
    static int prefaceMatch(ByteView data) {
        byte[] preface = io.ringbolt.http.h2.Frames.CLIENT_PREFACE;
        int n = Math.min(data.length(), preface.length);
        for (int i = 0; i < n; i++) {
            if (data.get(i) != preface[i]) {
                return -1;
            }
        }
        return n == preface.length ? 1 : 0;
    }

    HttpServer server() {
        return server;
    }

    Connection connection() {
        return connection;
    }

    Reactor reactor() {
        return reactor;
    }

    // ---- engine callbacks --------------------------------------------------------------------

    @Override
    public void onOpen(Connection c) {
        if (upgradeRequest == null) {
            session.start(reactor.nanoTime());
        } else {
            try {
                session.startUpgraded(reactor.nanoTime(), upgradeSettings, upgradeRequest);
            } catch (Http2Exception e) {
                connection.close(); // checked before the 101 was sent; cannot happen afterwards
                return;
            }
        }
        scheduleTick();
    }

    private void scheduleTick() {
        tick = reactor.schedule(1, TimeUnit.SECONDS, () -> {
            session.onTick(reactor.nanoTime());
            if (!session.isClosed()) {
                scheduleTick();
            }
        });
    }

    @Override
    public int onData(Connection c, ByteView data) {
        return session.onBytes(data, 0, data.length());
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        if (writable) {
            session.onOutputWritable();
            session.forEachStream(stream -> onWritable(stream));
        }
    }

    @Override
    public void onShutdown(Connection c) {
        session.shutdownGracefully(reactor.nanoTime());
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        if (tick != null) {
            tick.cancel();
        }
        // Streams still open end with the connection: their exchanges stop (and leave in-flight).
        session.forEachStream(stream -> onReset(stream, Http2Error.CANCEL));
    }

    /** Sends what the streams queued (after a response completed outside {@link #onData}). */
    void flushSession() {
        session.onOutputWritable();
    }

    // ---- Output ------------------------------------------------------------------------------

    @Override
    public void write(byte[] bytes, int offset, int length) {
        connection.write(bytes, offset, length);
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public void close() {
        connection.close();
    }

    // ---- streams -----------------------------------------------------------------------------

    @Override
    public void onRequest(Http2Stream stream) {
        Http2Exchange exchange = new Http2Exchange(this, stream);
        stream.attach(exchange);
        exchange.onRequest();
    }

    @Override
    public void onRequestData(Http2Stream stream, ByteView data, int offset, int length) {
        ((Http2Exchange) stream.attachment()).onRequestData(data, offset, length);
    }

    @Override
    public void onRequestEnd(Http2Stream stream) {
        ((Http2Exchange) stream.attachment()).onRequestEnd();
    }

    @Override
    public void onWritable(Http2Stream stream) {
        Object exchange = stream.attachment();
        if (exchange != null) {
            ((Http2Exchange) exchange).onWritable();
        }
    }

    @Override
    public void onReset(Http2Stream stream, Http2Error error) {
        Object exchange = stream.attachment();
        if (exchange != null) {
            ((Http2Exchange) exchange).onReset();
        }
    }
}
