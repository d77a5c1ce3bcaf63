package io.ringbolt.server;

import io.ringbolt.http.BodySink;
import io.ringbolt.http.Compression;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpException;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.HttpResponse;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.Router;
import io.ringbolt.http.codec.ByteBuf;
import io.ringbolt.http.files.StaticFiles;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketHandler;
import io.ringbolt.http.websocket.WebSocketOptions;
import io.ringbolt.http.websocket.WebSocketUpgrade;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo and benchmark endpoints of {@code ./ringbolt serve}: the Go seed's API
 * ({@code /}, {@code /ping}, {@code /echo}), TechEmpower's {@code /plaintext} and {@code /json},
 * and the HttpArena profiles ({@code /baseline11}, {@code /pipeline}, {@code /json/{count}},
 * {@code /upload}, {@code /static/...}, {@code /delay/{ms}}), and WebSocket: {@code /ws} echoes
 * every message (HttpArena's echo-ws), {@code /chat} is a broadcast chat room whose page is
 * {@code /chat.html}. Every answer goes through the
 * router and the normal response path; dynamic bodies are produced per request.
 *
 * <p>Handlers run on reactor threads and share one {@link JsonWriter} per thread; the bytes
 * it produces are written before the thread runs another handler.
 */
final class DemoApp {
    /** Longest {@code /delay/{ms}}. */
    static final long MAX_DELAY_MS = 10_000;

    private static final ThreadLocal<JsonWriter> WRITER = ThreadLocal.withInitial(() -> new JsonWriter(new ByteBuf(16 * 1024)));
    private static final ThreadLocal<ByteBuf> NUMBER = ThreadLocal.withInitial(() -> new ByteBuf(32));

    private DemoApp() {
    }

    /**
     * The router of the app.
     *
     * @param data            the HttpArena data (may be empty)
     * @param maxUploadBytes  largest body {@code POST /upload} accepts
     */
    static Router router(ArenaData data, long maxUploadBytes) throws IOException {
        return router(data, maxUploadBytes, new ChatRoom(), new MetricsEndpoint());
    }

    /** The router of the app, with {@code room} behind {@code /chat}. */
    static Router router(ArenaData data, long maxUploadBytes, ChatRoom room) throws IOException {
        return router(data, maxUploadBytes, room, new MetricsEndpoint());
    }

    /**
     * The router of the app, with {@code room} behind {@code /chat} and {@code GET /metrics} served
     * by {@code metrics} (bound to the engine once it has started).
     */
    static Router router(ArenaData data, long maxUploadBytes, ChatRoom room, MetricsEndpoint metrics) throws IOException {
        Router r = new Router();
        if (metrics != null) {
            r.get("/metrics", metrics::handle);
        }
        r.get("/", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("Hello from Ringbolt!\n"));
        r.post("/ping", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("pong"));
        r.post("/echo", DemoApp::echo);

        r.get("/plaintext", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("Hello, World!"));
        r.get("/json", DemoApp::message);

        r.get("/baseline11", (req, res) -> sendNumber(res, req.queryParamLong("a", 0) + req.queryParamLong("b", 0)));
        r.post("/baseline11", (req, res) ->
                sendNumber(res, req.queryParamLong("a", 0) + req.queryParamLong("b", 0) + req.bodyLong()));
        // HttpArena's HTTP/2 profiles (baseline-h2, baseline-h2c) ask GET /baseline2?a=&b= for the sum.
        r.get("/baseline2", (req, res) -> sendNumber(res, req.queryParamLong("a", 0) + req.queryParamLong("b", 0)));
        r.get("/pipeline", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("ok"));
        r.get("/json/{count}", (req, res) -> items(data.items(), req, res)).use(Compression.gzip().middleware());
        r.post("/upload", (req, res) -> sendNumber(res, req.bodyLength()))
                .streamBody(BodySink.DISCARDING).maxBodyBytes(maxUploadBytes);
        r.get("/delay/{ms}", DemoApp::delay);
        r.get("/ws", WebSocketUpgrade.of((req, protocol) -> ECHO));
        r.get("/chat", WebSocketUpgrade.of(WebSocketOptions.defaults().withLimits(ChatRoom.MAX_MESSAGE_BYTES,
                ChatRoom.MAX_MESSAGE_BYTES), (req, protocol) -> room.join()));
        byte[] chatPage = resource("chat.html");
        r.get("/chat.html", (req, res) -> res.contentType(ContentType.TEXT_HTML).send(chatPage));
        Path statics = data.staticDirectory();
        if (statics != null) {
            r.get("/static/*", StaticFiles.of(statics));
        }
        return r;
    }

    /** Echoes every message back as it came, text as text and binary as binary. Stateless, so one for all. */
    private static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoApp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource=" + name + " (missing from the jar)");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Returns the body with the client's Content-Type, byte for byte: HTAB, obs-text and
     * whatever else RFC 9110 §5.5 allows in a field value, which is all the parser lets in. The
     * type is returned even when it is not a well-formed media type (§8.3): the echo does not
     * interpret content, so a malformed type is the client's to notice, never a server error.
     * A value that could not be written back (none can come from the parser) gets
     * {@code application/octet-stream}, as does a request without one.
     */
    private static void echo(HttpRequest req, HttpResponse res) {
        String type = req.header("Content-Type");
        res.contentType(type != null && ContentType.isFieldValue(type) ? ContentType.of(type) : ContentType.APPLICATION_OCTET_STREAM);
        res.send(req.body());
    }

    private static void message(HttpRequest req, HttpResponse res) {
        JsonWriter w = WRITER.get().reset();
        w.beginObject().name("message").value("Hello, World!").endObject();
        res.contentType(ContentType.APPLICATION_JSON).send(w.buffer().array(), 0, w.buffer().length());
    }

    private static void items(List<ArenaData.Item> all, HttpRequest req, HttpResponse res) {
        if (all.isEmpty()) {
            throw new HttpException(HttpStatus.SERVICE_UNAVAILABLE, "no dataset loaded (see --data-dir)");
        }
        long count = req.pathParamLong("count");
        if (count < 0) {
            throw HttpException.badRequest("count must be >= 0");
        }
        long m = req.queryParamLong("m", 1);
        int n = (int) Math.min(count, all.size());
        JsonWriter w = WRITER.get().reset();
        w.beginObject().name("items").beginArray();
        for (int i = 0; i < n; i++) {
            ArenaData.Item it = all.get(i);
            w.beginObject()
                    .name("id").value(it.id())
                    .name("name").value(it.name())
                    .name("category").value(it.category())
                    .name("price").value(it.price())
                    .name("quantity").value(it.quantity())
                    .name("active").value(it.active())
                    .name("tags").beginArray();
            List<String> tags = it.tags();
            for (int t = 0; t < tags.size(); t++) {
                w.value(tags.get(t));
            }
            w.endArray()
                    .name("rating").beginObject().name("score").value(it.ratingScore()).name("count").value(it.ratingCount()).endObject()
                    .name("total").value(it.price() * it.quantity() * m)
                    .endObject();
        }
        w.endArray().name("count").value(n).endObject();
        res.contentType(ContentType.APPLICATION_JSON).send(w.buffer().array(), 0, w.buffer().length());
    }

    private static void delay(HttpRequest req, HttpResponse res) {
        long ms = req.pathParamLong("ms");
        if (ms < 0 || ms > MAX_DELAY_MS) {
            throw HttpException.badRequest("ms must be 0.." + MAX_DELAY_MS);
        }
        res.defer().contentType(ContentType.TEXT_PLAIN);
        // A deferred body is written after this task returns: send an owned String, not the shared buffer.
        req.connection().reactor().schedule(ms, TimeUnit.MILLISECONDS, () -> res.send(Long.toString(ms)));
    }

    private static void sendNumber(HttpResponse res, long value) {
        ByteBuf b = NUMBER.get().clear().writeDecimal(value);
        res.contentType(ContentType.TEXT_PLAIN).send(b.array(), 0, b.length());
    }
}
