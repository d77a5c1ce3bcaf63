// The smallest Ringbolt server: GET / says hello on port 8080 (or -Dport=N; 0 picks a free port).
package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;

public class HelloWorld {
    public static void main(String[] args) {
        Router router = new Router();
        router.get("/", (req, res) -> res.send("Hello, world!\n"));
        Engine.builder().bind("127.0.0.1", Integer.getInteger("port", 8080)).handler(HttpServer.create(router)).start();
    }
}
