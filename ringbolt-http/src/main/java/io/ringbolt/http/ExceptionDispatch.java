package io.ringbolt.http;

import io.ringbolt.engine.RateLimitedLog;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Turns exceptions into responses inside the middleware chain. {@link Router} wraps the handler
 * and every middleware in a {@link #guard}: an exception is answered at the level it was thrown
 * from, so the middleware around it returns normally, keeps the fields it set before
 * {@code next} and sees the final status after it. Lookup walks the exception's class up to
 * {@code Throwable}; the first registered type wins, so the most specific one does. An
 * {@link HttpException} already says how to answer: the walk for one stops at
 * {@code HttpException}, so a catch-all such as {@code RuntimeException} does not swallow it.
 *
 * <p>Logging: {@link HttpException}s and mapped exceptions are expected and go to DEBUG without
 * a stack trace; anything else is a server error, logged at WARNING with its stack trace, at
 * most one line per exception class per second. Immutable after construction; any thread.
 */
final class ExceptionDispatch {
    private static final System.Logger LOG = HttpConnection.LOG;
    private static final RateLimitedLog SERVER_ERRORS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);

    private final Map<Class<?>, ExceptionHandler<?>> handlers;
    private final ErrorHandler errorHandler;

    ExceptionDispatch(Map<Class<?>, ExceptionHandler<?>> handlers, ErrorHandler errorHandler) {
        this.handlers = new IdentityHashMap<>(handlers);
        this.errorHandler = errorHandler;
    }

    /** {@code inner} with its exceptions answered here. Built once per chain level; no per-request allocation. */
    HttpHandler guard(HttpHandler inner) {
        return (request, response) -> {
            int fieldsBefore = response.headerCount;
            try {
                inner.handle(request, response);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError || response.stream != null) {
                    throw t; // a streamed head is gone: only the connection can fail it (HttpConnection.failed)
                }
                answer(request, response, t, fieldsBefore);
            }
        };
    }

    /** Answers {@code t}, keeping the first {@code keepFields} fields (those set before the failing code ran). */
    void answer(HttpRequest request, HttpResponse response, Throwable t, int keepFields) {
        ExceptionHandler<?> mapped = find(t.getClass());
        log(request, t, mapped != null);
        response.resetForError(keepFields);
        if (mapped != null) {
            try {
                call(mapped, request, response, t);
                return;
            } catch (Throwable t2) {
                if (t2 instanceof VirtualMachineError vme) {
                    throw vme;
                }
                log(request, t2, false);
                response.resetForError(keepFields);
                t = t2;
            }
        }
        try {
            errorHandler.onError(request, response, t);
        } catch (Throwable t2) {
            if (t2 instanceof VirtualMachineError vme) {
                throw vme;
            }
            int key = ~t2.getClass().hashCode();
            if (SERVER_ERRORS.isDue(key)) {
                SERVER_ERRORS.log(key, request + ": error handler threw", t2);
            }
            response.resetForError(keepFields);
            response.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(ContentType.TEXT_PLAIN)
                    .send("Internal Server Error\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void call(ExceptionHandler<T> h, HttpRequest request, HttpResponse response,
                                                   Throwable t) throws Exception {
        h.handle(request, response, (T) t);
    }

    private ExceptionHandler<?> find(Class<?> type) {
        if (handlers.isEmpty()) {
            return null;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            ExceptionHandler<?> h = handlers.get(c);
            if (h != null || c == HttpException.class) {
                return h;
            }
        }
        return null;
    }

    /** Client errors and mapped exceptions at DEBUG, no trace; the rest at WARNING with one, rate-limited. */
    static void log(HttpRequest request, Throwable t, boolean mapped) {
        if (mapped || t instanceof HttpException) {
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                String what = t instanceof HttpException he ? String.valueOf(he.status()) : t.getClass().getName();
                LOG.log(System.Logger.Level.DEBUG, request + ": " + what + " " + t.getMessage());
            }
            return;
        }
        int key = t.getClass().hashCode();
        if (SERVER_ERRORS.isDue(key)) {
            SERVER_ERRORS.log(key, request + ": handler threw", t);
        }
    }

    /** Answers {@code t} outside any chain (a body sink that failed); nothing of the response is kept. */
    void answerOutsideChain(HttpRequest request, HttpResponse response, Throwable t) {
        answer(request, response, t, 0);
    }
}
