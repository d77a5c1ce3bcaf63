package io.ringbolt.http;

import io.ringbolt.engine.Blocking;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.http.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import io.ringbolt.http.h2.Http2Config;
import java.util.Arrays;
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
    /** One recorder per reactor index, created when the reactor's first connection arrives. */
    private volatile HttpMetricsRecorder[] recorders = new HttpMetricsRecorder[0];
    private final JsonMapper jsonMapper;
    private final byte[] serverLine;
    /** Registered content-codings, then gzip (built in, last): preference order on a q tie. */
    private final String[] codings;
    private final ContentEncoder[] encoders;
    private final byte[][] contentEncodingLines;
    private volatile Http2Config http2 = Http2Config.defaults();
    private volatile boolean h2cPriorKnowledge = true;
    private volatile int[] http2OnlyPorts = new int[0];
    private volatile boolean metricsEnabled = true;

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

    /** HTTP/2 limits and settings (default {@link Http2Config#defaults()}). Set before the engine starts. */
    public HttpServer http2(Http2Config config) {
        this.http2 = Objects.requireNonNull(config, "config");
        return this;
    }

    public Http2Config http2() {
        return http2;
    }

    /**
     * Whether a cleartext connection that opens with the HTTP/2 client preface is served as
     * HTTP/2 ("prior knowledge", RFC 9113 §3.3). On by default: no HTTP/1.1 request starts
     * with {@code PRI * HTTP/2.0}.
     */
    public HttpServer h2cPriorKnowledge(boolean enabled) {
        this.h2cPriorKnowledge = enabled;
        return this;
    }

    boolean h2cPriorKnowledge() {
        return h2cPriorKnowledge;
    }

    /**
     * Whether an HTTP/1.1 request without a body asking {@code Upgrade: h2c} (with
     * {@code HTTP2-Settings}) is answered 101 and served as stream 1 of an HTTP/2 connection
     * (RFC 7540 §3.2; what Java's HttpClient does for {@code http://} URIs). On by default;
     * shares the switch with {@link #h2cPriorKnowledge(boolean)}.
     */
    boolean h2cUpgrade() {
        return h2cPriorKnowledge;
    }

    /**
     * Connections accepted on local port {@code port} speak only HTTP/2 (h2c with prior
     * knowledge): anything but the client preface is a connection error. Set before the engine
     * starts.
     */
    public HttpServer http2Only(int port) {
        int[] ports = Arrays.copyOf(http2OnlyPorts, http2OnlyPorts.length + 1);
        ports[ports.length - 1] = port;
        this.http2OnlyPorts = ports;
        return this;
    }

    @Override
    public ConnectionHandler newHandler(Connection connection) {
        int[] ports = http2OnlyPorts;
        if (ports.length > 0) {
            int local = connection.localAddress().getPort();
            for (int port : ports) {
                if (port == local) {
                    return newHttp2Handler(connection);
                }
            }
        }
        return new HttpConnection(this, connection);
    }

    /** A handler speaking HTTP/2 from the first byte (ALPN h2, or h2c by prior knowledge). */
    public ConnectionHandler newHttp2Handler(Connection connection) {
        return new Http2Connection(this, connection, http2);
    }

    RouteTable routes() {
        return routes;
    }

    ExceptionDispatch exceptionDispatch() {
        return exceptionDispatch;
    }

    /**
     * A snapshot of the request metrics summed over reactors: requests by method and status
     * class, rejections, in-flight requests and the duration histogram. Any thread. Each
     * reactor records into its own slot by {@link io.ringbolt.engine.Reactor#index()}, so the
     * counts are exact for a server given to one engine (two engines sharing one server would
     * share slots and could lose increments).
     */
    public HttpMetrics metrics() {
        return HttpMetricsRecorder.snapshot(recorders);
    }

    /**
     * Whether requests are recorded in {@link #metrics()} (on by default). Off, no request
     * costs a counter update: requests, rejections, in-flight and the duration histogram all
     * stay 0 (the engine's own counters, {@code Engine.metrics()}, are not affected). Set
     * before the engine starts: a connection keeps the choice it was accepted with.
     */
    public HttpServer metricsEnabled(boolean enabled) {
        this.metricsEnabled = enabled;
        return this;
    }

    /** Whether requests are recorded in {@link #metrics()}. */
    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    /** The recorder of one reactor (created once per reactor; connections keep it). */
    HttpMetricsRecorder recorder(io.ringbolt.engine.Reactor reactor) {
        if (!metricsEnabled) {
            return HttpMetricsRecorder.DISABLED;
        }
        int i = reactor.index();
        HttpMetricsRecorder[] rs = recorders;
        if (i < rs.length && rs[i] != null) {
            return rs[i];
        }
        synchronized (this) {
            rs = recorders;
            if (i >= rs.length) {
                rs = java.util.Arrays.copyOf(rs, i + 1);
            } else if (rs[i] != null) {
                return rs[i];
            } else {
                rs = rs.clone();
            }
            HttpMetricsRecorder r = new HttpMetricsRecorder();
            rs[i] = r;
            recorders = rs;
            return r;
        }
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
