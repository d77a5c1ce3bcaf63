package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.BodySink;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.ResponseStream;
import io.ringbolt.http.Router;

import java.util.zip.CRC32;

/** Bodies larger than memory should hold: an upload read as it arrives, responses written in pieces. */
public final class StreamingBodies {
    private StreamingBodies() {
    }

    /** The routes. */
    public static Router routes() {
        Router router = new Router();

        // Upload: every piece of the body goes to a sink as it arrives (reactor thread, must not block).
        router.post("/upload", (req, res) -> {
            CRC32 crc = (CRC32) req.attribute("crc");
            res.send(req.bodyLength() + " bytes, crc32 " + Long.toHexString(crc.getValue()) + "\n");
        }).streamBody(req -> {
            CRC32 crc = new CRC32();
            req.attribute("crc", crc);
            return data -> crc.update(data.segment().asSlice(data.segmentOffset(), data.length()).asByteBuffer());
        }).maxBodyBytes(1L << 30);

        // Chunked response from a virtual thread: write blocks while the client is slow to read.
        router.get("/count/{n}", (req, res) -> {
            long n = req.pathParamLong("n");
            try (ResponseStream out = res.contentType(ContentType.TEXT_PLAIN).stream()) {
                for (long i = 1; i <= n && out.isOpen(); i++) {
                    out.write(i + "\n");
                }
            }
        }).blocking();

        // Fixed-length response (Content-Length, no chunking): say the size first, then write exactly that.
        router.get("/zeros/{n}", (req, res) -> {
            long n = req.pathParamLong("n");
            byte[] block = new byte[8192];
            try (ResponseStream out = res.stream(n)) {
                for (long left = n; left > 0 && out.isOpen(); left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
            }
        }).blocking();
        return router;
    }

    public static void main(String[] args) {
        Engine.builder().bind("127.0.0.1", 8080).handler(HttpServer.create(routes())).start();
    }
}
