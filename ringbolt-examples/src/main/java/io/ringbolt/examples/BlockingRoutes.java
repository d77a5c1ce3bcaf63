package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;

import java.time.Duration;

/** A route whose handler blocks (a database call, a file, a remote service), run on a virtual thread. */
public final class BlockingRoutes {
    private BlockingRoutes() {
    }

    /** The routes. */
    public static Router routes() {
        Router router = new Router();
        router.get("/report/{id}", (req, res) -> {
            Thread.sleep(Duration.ofMillis(50));                   // stands for JDBC, a file, an HTTP call
            res.send("report " + req.pathParam("id") + " from a virtual thread: "
                    + Thread.currentThread().isVirtual() + "\n");
        }).blocking();                                             // never on a reactor thread
        router.get("/quick", (req, res) -> res.send("quick\n"));  // non-blocking: runs on the reactor
        return router;
    }

    public static void main(String[] args) {
        Engine.builder().bind("127.0.0.1", 8080).handler(HttpServer.create(routes())).start();
    }
}
