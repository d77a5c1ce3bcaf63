package io.ringbolt.examples;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import org.junit.jupiter.api.Assumptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Starts an example's handler on a free loopback port on a given backend; skips a backend this machine lacks. */
final class Servers {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Servers() {
    }

    /** Both backends; a test on one this machine cannot run is skipped (see {@link #start}). */
    static List<Backend> backends() {
        return List.of(Backend.IO_URING, Backend.NIO);
    }

    static Engine start(Backend backend, HandlerFactory handler) {
        try {
            return Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(1)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(handler).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend.displayName() + " unavailable here: " + e.getMessage());
            throw e;
        }
    }

    static HttpResponse<String> get(Engine engine, String path, String... headerPairs) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + path))
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
