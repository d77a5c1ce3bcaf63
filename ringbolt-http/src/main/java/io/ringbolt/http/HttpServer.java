package io.ringbolt.http;

import io.ringbolt.engine.Blocking;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.http.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The HTTP/1.1 server as an engine {@link HandlerFactory}: give it to
 * {@code Engine.builder().handler(...)} and every accepted connection speaks HTTP.
 *
 * <pre>{@code
 * Router router = new Router();
 * router.get("/plaintext", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("Hello, World!"));
 * Engine engine = Engine.builder().bind("0.0.0.0", 8080).handler(HttpServer.create(router)).start();
 * }</pre>
 *
 * The router is compiled once here; later changes to it have no effect. Thread-safe: one
 * instance serves every reactor.
 */
public final class HttpServer implements HandlerFactory {
    private final HttpOptions options;
    private final RouteTable routes;
    private final ExceptionDispatch exceptionDispatch;
    private final CompletionListener[] completionListeners;
    private final JsonMapper jsonMapper;
    private final byte[] serverLine;
    /** Registered content-codings, then gzip (built in, last): preference order on a q tie. */
    private final String[] codings;
    private final ContentEncoder[] encoders;
    private final byte[][] contentEncodingLines;

    private HttpServer(Router router, HttpOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.routes = router.compile();
        this.exceptionDispatch = router.exceptionDispatch();
        this.completionListeners = router.completionListeners();
        this.jsonMapper = router.jsonMapper();
        this.serverLine = options.serverName() == null ? null
                : ("Server: " + options.serverName() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int n = options.contentEncoders().size();
        this.codings = new String[n + 1];
        this.encoders = new ContentEncoder[n];
        this.contentEncodingLines = new byte[n + 1][];
        for (int i = 0; i <= n; i++) {
            if (i < n) {
                encoders[i] = options.contentEncoders().get(i);
            }
            codings[i] = i < n ? encoders[i].token() : "gzip";
            contentEncodingLines[i] = ("Content-Encoding: " + codings[i] + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A server for {@code router} with {@code options}. */
    public static HttpServer create(Router router, HttpOptions options) {
        return new HttpServer(Objects.requireNonNull(router, "router"), options);
    }

    /** A server for {@code router} with {@link HttpOptions#defaults()}. */
    public static HttpServer create(Router router) {
        return create(router, HttpOptions.defaults());
    }

    /** The limits and timeouts in force. */
    public HttpOptions options() {
        return options;
    }

    @Override
    public ConnectionHandler newHandler(Connection connection) {
        return new HttpConnection(this, connection);
    }

    RouteTable routes() {
        return routes;
    }

    ExceptionDispatch exceptionDispatch() {
        return exceptionDispatch;
    }

    /** The completion listeners; empty when none is registered. */
    CompletionListener[] completionListeners() {
        return completionListeners;
    }

    /** The JSON mapper, or null. */
    JsonMapper jsonMapper() {
        return jsonMapper;
    }

    byte[] serverLine() {
        return serverLine;
    }

    /** Content-coding tokens offered for dynamic bodies; the last is the built-in gzip. */
    String[] codings() {
        return codings;
    }

    /** The registered encoder for {@code codings()[i]}, i below {@code codings().length - 1}. */
    ContentEncoder encoder(int i) {
        return encoders[i];
    }

    /** {@code Content-Encoding: <codings()[i]>\r\n}. */
    byte[] contentEncodingLine(int i) {
        return contentEncodingLines[i];
    }

    /** Where blocking routes run: the engine's shared virtual-thread executor. */
    Executor blockingExecutor() {
        return Blocking.executor();
    }
}
