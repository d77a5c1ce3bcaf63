package io.ringbolt.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One registered route: method, path pattern (or regular expression) and handler, plus how it
 * is dispatched. Returned by the {@link Router} registration methods so options can be chained:
 * <pre>{@code router.post("/upload", handler).streamBody(BodySink.DISCARDING).maxBodyBytes(1L << 30);}</pre>
 * Configure before the server is built; not thread-safe.
 */
public final class Route {
    final String methodName;
    final HttpMethod method;
    final String pattern;
    final Pattern regex;
    final HttpHandler handler;
    final List<Middleware> middleware = new ArrayList<>();
    boolean blocking;
    BodySink.Factory sinkFactory;
    long maxBodyBytes = -1;
    /** The handler wrapped in every middleware that applies; set when the router is compiled. */
    HttpHandler chain;

    Route(String methodName, String pattern, Pattern regex, HttpHandler handler) {
        this.methodName = Objects.requireNonNull(methodName, "method");
        this.method = HttpMethod.of(methodName);
        this.pattern = pattern;
        this.regex = regex;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Runs the handler on a virtual thread: it may block (JDBC, file I/O, sleeping). The
     * request's bytes are copied first, the response goes back to the reactor when the handler
     * returns, and later pipelined requests on the connection wait so responses stay in order.
     */
    public Route blocking() {
        this.blocking = true;
        return this;
    }

    /**
     * Streams the request body to a sink made by {@code factory} instead of buffering it; the
     * handler runs after the last byte. See {@link BodySink}.
     */
    public Route streamBody(BodySink.Factory factory) {
        this.sinkFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** Largest body this route accepts (more: 413), overriding {@link HttpOptions#maxBodyBytes()}. */
    public Route maxBodyBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("max-body-bytes=" + bytes + " (must be >= 0)");
        }
        this.maxBodyBytes = bytes;
        return this;
    }

    /** Adds a middleware that wraps only this route (inside the global and prefix ones). */
    public Route use(Middleware m) {
        middleware.add(Objects.requireNonNull(m, "middleware"));
        return this;
    }

    /** The method name this route answers. */
    public String methodName() {
        return methodName;
    }

    /** The path pattern, or the regular expression for a regex route. */
    public String pattern() {
        return pattern != null ? pattern : regex.pattern();
    }

    /** True for the server's own 404/405/OPTIONS routes. */
    boolean isInternal() {
        return "*".equals(methodName);
    }

    /** True if the handler runs on a virtual thread. */
    public boolean isBlocking() {
        return blocking;
    }

    @Override
    public String toString() {
        return methodName + " " + pattern();
    }
}
