package io.ringbolt.engine.stream;

import io.ringbolt.engine.Blocking;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.RateLimitedLog;

import java.io.IOException;
import java.util.Objects;

/**
 * The reactor side of a {@link ConnectionStream}: an ordinary {@link ConnectionHandler} that
 * feeds the stream's window, passes back-pressure and EOF to its threads and stages what they
 * write. It never blocks.
 *
 * <p>Two ways to use it:
 * <ul>
 *   <li>{@link #serve(StreamService)}: a {@link HandlerFactory} for {@code Engine.Builder.handler}
 *       that runs the service on a virtual thread of its own for each accepted connection
 *       (from {@link Blocking}) and closes the stream when the service returns;</li>
 *   <li>{@code new StreamHandler()} given to anything that takes a handler (a connect, a
 *       hand-over, {@code TlsContext.wrap}), then {@link #stream()} from any thread once the
 *       connection is open.</li>
 * </ul>
 *
 * <p>One instance serves one connection. Unlike the default handler, it keeps the connection
 * open after the peer's EOF: readers see {@code -1} and may still write.
 */
public final class StreamHandler implements ConnectionHandler {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine.stream");
    /** A service that throws on every connection must not flood the log: once a second per exception class. */
    private static final RateLimitedLog SERVICE_ERRORS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);

    private final ConnectionStream stream;
    /** Run per connection on a virtual thread, or null when the caller drives the stream. */
    private final StreamService service;

    /** A handler whose stream the caller drives, with {@link StreamOptions#defaults()}. */
    public StreamHandler() {
        this(StreamOptions.defaults());
    }

    /** A handler whose stream the caller drives. */
    public StreamHandler(StreamOptions options) {
        this(options, null);
    }

    private StreamHandler(StreamOptions options, StreamService service) {
        this.stream = new ConnectionStream(options);
        this.service = service;
    }

    /**
     * A handler factory that serves every connection with {@code service} on its own virtual
     * thread, with {@link StreamOptions#defaults()}.
     */
    public static HandlerFactory serve(StreamService service) {
        return serve(StreamOptions.defaults(), service);
    }

    /** A handler factory that serves every connection with {@code service} on its own virtual thread. */
    public static HandlerFactory serve(StreamOptions options, StreamService service) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(service, "service");
        return connection -> new StreamHandler(options, service);
    }

    /** This handler's stream; usable once the connection is open. Any thread. */
    public ConnectionStream stream() {
        return stream;
    }

    @Override
    public void onOpen(Connection connection) {
        stream.opened(connection);
        if (service != null) {
            Blocking.execute(this::runService);
        }
    }

    @Override
    public int onData(Connection connection, ByteView data) {
        return stream.received(data);
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        stream.writabilityChanged(writable);
    }

    @Override
    public void onInputClosed(Connection connection) {
        stream.inputClosed();
    }

    @Override
    public void onClose(Connection connection, CloseReason reason) {
        stream.closed(reason);
    }

    /** On the service's virtual thread. */
    private void runService() {
        try {
            service.serve(stream);
        } catch (IOException e) {
            // The connection failed under the service (reset, timeout, closed): the peer's doing.
            LOG.log(System.Logger.Level.DEBUG, () -> "stream " + stream + ": " + e);
        } catch (Throwable t) {
            int key = t.getClass().hashCode();
            if (SERVICE_ERRORS.isDue(key)) {
                SERVICE_ERRORS.log(key, "stream service threw on " + stream + "; closing the connection", t);
            }
            if (t instanceof Error e) {
                throw e;
            }
        } finally {
            stream.close();
        }
    }
}
