package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.Middleware;
import io.ringbolt.http.Router;

/** Routes with path and query parameters, a wildcard, and middleware for every route and for a prefix. */
public final class RouterExample {
    private RouterExample() {
    }

    /** The routes; {@link HttpServer#create(Router)} turns them into a handler for an engine. */
    public static Router routes() {
        Router router = new Router();
        router.get("/users/{id}", (req, res) -> {
            long id = req.pathParamLong("id");                     // 400 when not a number
            String fields = req.queryParam("fields");              // null when absent
            res.contentType(ContentType.TEXT_PLAIN).send("user " + id + (fields == null ? "" : " " + fields) + "\n");
        });
        router.get("/files/{path...}", (req, res) -> res.send("file " + req.pathParam("path") + "\n"));

        Middleware timing = (req, res, next) -> {                 // around every route
            long start = System.nanoTime();
            next.handle(req, res);
            res.header("Server-Timing", "app;dur=" + (System.nanoTime() - start) / 1_000_000.0);
        };
        Middleware apiKey = (req, res, next) -> {                 // only below /admin
            if (!"secret".equals(req.header("X-Api-Key"))) {
                res.status(HttpStatus.UNAUTHORIZED).send("no key\n"); // answer without calling next
                return;
            }
            next.handle(req, res);
        };
        router.use(timing);
        router.use("/admin", apiKey);
        router.get("/admin/stats", (req, res) -> res.send("all good\n"));
        return router;
    }

    public static void main(String[] args) {
        Engine.builder().bind("127.0.0.1", 8080).handler(HttpServer.create(routes())).start();
    }
}
