package io.ringbolt.http;

import io.ringbolt.http.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Collects routes, middleware and error handling; {@link HttpServer} compiles it once.
 *
 * <pre>{@code
 * Router router = new Router();
 * router.use(logging);                               // every request
 * router.use("/admin", auth);                        // routes under /admin
 * router.get("/users/{id}", showUser);               // {id} is one segment
 * router.get("/static/*", files);                    // * is the rest of the path
 * router.regex("GET", "/v(?<major>[0-9]+)/.*", versioned);
 * router.post("/reports", slowReport).blocking();    // runs on a virtual thread
 * router.exception(NoSuchElementException.class, (req, res, e) -> res.status(404));
 * router.onComplete((req, status, bytes, ns) -> accessLog.add(req, status, bytes, ns));
 * }</pre>
 *
 * Patterns match the percent-decoded path segment by segment; a literal segment beats a
 * parameter, which beats a wildcard, with backtracking. Unknown paths get 404 (see
 * {@link #notFound}), known paths with another method 405 with {@code Allow}, OPTIONS on a
 * known path 204 with {@code Allow}, and a method no route uses 501. Not thread-safe; configure, then hand to the server.
 *
 * <p>Exceptions are answered inside the middleware chain, where they are thrown: by the
 * {@link #exception} handler of the most specific registered type, else by the
 * {@link #onError error handler}. Middleware around the failing code keeps the fields it set
 * before calling {@code next} and, after {@code next} returns, sees the status that will be
 * sent, as it does for 404 and 405.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();
    private final List<Middleware> global = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private final List<Middleware> prefixed = new ArrayList<>();
    private HttpHandler notFound = (req, res) -> res.status(HttpStatus.NOT_FOUND)
            .contentType(ContentType.TEXT_PLAIN).send("Not Found\n");
    private ErrorHandler errorHandler = ErrorHandler.DEFAULT;
    private final Map<Class<?>, ExceptionHandler<?>> exceptionHandlers = new LinkedHashMap<>();
    private final List<CompletionListener> completionListeners = new ArrayList<>();
    private JsonMapper jsonMapper;
    /** Set by {@link #compile()}: the exception handling every chain of that compilation uses. */
    private ExceptionDispatch dispatch;

    /** An empty router: every path is 404 until routes are added. */
    public Router() {
    }

    /** Routes GET (and HEAD) {@code pattern} to {@code handler}. */
    public Route get(String pattern, HttpHandler handler) {
        return route("GET", pattern, handler);
    }

    /** Routes POST {@code pattern} to {@code handler}. */
    public Route post(String pattern, HttpHandler handler) {
        return route("POST", pattern, handler);
    }

    /** Routes PUT {@code pattern} to {@code handler}. */
    public Route put(String pattern, HttpHandler handler) {
        return route("PUT", pattern, handler);
    }

    /** Routes DELETE {@code pattern} to {@code handler}. */
    public Route delete(String pattern, HttpHandler handler) {
        return route("DELETE", pattern, handler);
    }

    /** Routes PATCH {@code pattern} to {@code handler}. */
    public Route patch(String pattern, HttpHandler handler) {
        return route("PATCH", pattern, handler);
    }

    /** Routes HEAD {@code pattern} to {@code handler} (without it HEAD uses the GET route). */
    public Route head(String pattern, HttpHandler handler) {
        return route("HEAD", pattern, handler);
    }

    /** Routes OPTIONS {@code pattern} to {@code handler} (without it OPTIONS answers 204 with Allow). */
    public Route options(String pattern, HttpHandler handler) {
        return route("OPTIONS", pattern, handler);
    }

    /** Routes {@code method} (any method token, case-sensitive) and {@code pattern} to {@code handler}. */
    public Route route(String method, String pattern, HttpHandler handler) {
        checkMethod(method);
        PathPattern.parse(pattern);
        Route r = new Route(method, pattern, null, handler);
        routes.add(r);
        return r;
    }

    /** Routes {@code method} and {@code pattern} to {@code handler}. */
    public Route route(HttpMethod method, String pattern, HttpHandler handler) {
        if (method == HttpMethod.OTHER) {
            throw new IllegalArgumentException("method=OTHER (use route(String, ...) with the method's name)");
        }
        return route(method.name(), pattern, handler);
    }

    /**
     * Routes {@code method} and paths whose decoded form fully matches {@code regex}. Named
     * groups become path parameters. Tried after every pattern route, in registration order.
     */
    public Route regex(String method, String regex, HttpHandler handler) {
        checkMethod(method);
        Route r = new Route(method, null, Pattern.compile(regex), handler);
        routes.add(r);
        return r;
    }

    /** Adds a middleware around every request, 404 and 405 included. Outermost first. */
    public Router use(Middleware middleware) {
        global.add(Objects.requireNonNull(middleware, "middleware"));
        return this;
    }

    /**
     * Adds a middleware around the routes whose pattern is {@code pathPrefix} or lies below it
     * ({@code /admin} covers {@code /admin} and {@code /admin/users/{id}}, not {@code /administrator}).
     * Applied inside the global middleware, in registration order.
     */
    public Router use(String pathPrefix, Middleware middleware) {
        PathPattern.parse(pathPrefix);
        prefixes.add(pathPrefix.endsWith("/") && pathPrefix.length() > 1
                ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix);
        prefixed.add(Objects.requireNonNull(middleware, "middleware"));
        return this;
    }

    /** Replaces the handler of unknown paths (default: 404 text). */
    public Router notFound(HttpHandler handler) {
        this.notFound = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Replaces the handler that turns exceptions into responses (default: {@link ErrorHandler#DEFAULT}). */
    public Router onError(ErrorHandler handler) {
        this.errorHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Answers exceptions of {@code type} (and its subclasses, unless a more specific type has its
     * own handler) with {@code handler}, inside the middleware chain. Registering a type again
     * replaces its handler. An {@link HttpException} is matched only by {@code HttpException} or
     * its subclasses, never by a broader type such as {@code RuntimeException}: it carries its
     * own status. Mapped exceptions are expected: logged at DEBUG without a stack trace.
     */
    public <T extends Throwable> Router exception(Class<T> type, ExceptionHandler<? super T> handler) {
        exceptionHandlers.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Adds a listener told of every finished response (see {@link CompletionListener}). Called in registration order. */
    public Router onComplete(CompletionListener listener) {
        completionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Sets the mapper behind {@link HttpResponse#json} and {@link HttpRequest#bodyAs}. */
    public Router json(JsonMapper mapper) {
        this.jsonMapper = Objects.requireNonNull(mapper, "mapper");
        return this;
    }

    ExceptionDispatch exceptionDispatch() {
        return dispatch;
    }

    CompletionListener[] completionListeners() {
        return completionListeners.toArray(new CompletionListener[0]);
    }

    JsonMapper jsonMapper() {
        return jsonMapper;
    }

    /** Composes every chain and builds the matching structure. */
    RouteTable compile() {
        dispatch = new ExceptionDispatch(exceptionHandlers, errorHandler);
        for (Route r : routes) {
            List<Middleware> chain = new ArrayList<>(global);
            if (r.pattern != null) {
                for (int i = 0; i < prefixes.size(); i++) {
                    if (covers(prefixes.get(i), r.pattern)) {
                        chain.add(prefixed.get(i));
                    }
                }
            }
            chain.addAll(r.middleware);
            r.chain = wrap(chain, r.handler, dispatch);
        }
        Route notFoundRoute = internal(notFound);
        Route notAllowed = internal((req, res) -> res.status(HttpStatus.METHOD_NOT_ALLOWED)
                .header("Allow", req.allowedMethods()).contentType(ContentType.TEXT_PLAIN).send("Method Not Allowed\n"));
        Route options = internal((req, res) -> res.status(HttpStatus.NO_CONTENT).header("Allow", req.allowedMethods()));
        Route notImplemented = internal((req, res) -> res.status(HttpStatus.NOT_IMPLEMENTED)
                .contentType(ContentType.TEXT_PLAIN).send("Not Implemented\n"));
        return new RouteTable(routes, notFoundRoute, notAllowed, options, notImplemented);
    }

    private Route internal(HttpHandler handler) {
        Route r = new Route("*", "/", null, handler);
        r.chain = wrap(global, handler, dispatch);
        return r;
    }

    /** The handler inside {@code chain}, with a guard around the handler and around each middleware. */
    private static HttpHandler wrap(List<Middleware> chain, HttpHandler handler, ExceptionDispatch dispatch) {
        HttpHandler h = dispatch.guard(handler);
        for (int i = chain.size() - 1; i >= 0; i--) {
            h = dispatch.guard(chain.get(i).around(h));
        }
        return h;
    }

    static boolean covers(String prefix, String pattern) {
        if (prefix.equals("/")) {
            return true;
        }
        return pattern.equals(prefix) || pattern.startsWith(prefix + "/");
    }

    private static void checkMethod(String method) {
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("method=" + method + " (must be a token)");
        }
        for (int i = 0; i < method.length(); i++) {
            if (!io.ringbolt.http.codec.HttpChars.isTchar(method.charAt(i)) || method.charAt(i) > 0x7E) {
                throw new IllegalArgumentException("method=" + method + " (must be a token)");
            }
        }
    }
}
