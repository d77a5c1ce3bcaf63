package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import io.ringbolt.http.files.StaticFiles;

import java.io.IOException;
import java.nio.file.Path;

/** Serves a directory: validators and 304, ranges, index files, precompressed twins, large files streamed. */
public final class StaticSite {
    private StaticSite() {
    }

    /** The routes for the files below {@code root}. */
    public static Router routes(Path root) throws IOException {
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root)                   // 404 for anything outside root
                .withCacheControl("public, max-age=3600")
                .withContentType("glb", ContentType.of("model/gltf-binary")));
        return router;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "public");
        Engine.builder().bind("127.0.0.1", 8080).handler(HttpServer.create(routes(root))).start();
    }
}
