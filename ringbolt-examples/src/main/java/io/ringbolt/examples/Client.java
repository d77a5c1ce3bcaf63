package io.ringbolt.examples;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Outbound connections: an engine connects as well as it accepts, with the same handler contract. */
public final class Client {
    private Client() {
    }

    /** Sends one line to {@code server} and returns the line it answers. */
    public static String ask(Engine engine, InetSocketAddress server, String line) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        engine.connect(server, new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.writeAndFlush((line + "\n").getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public int onData(Connection c, ByteView data) {
                int nl = data.indexOf((byte) '\n', 0, data.length());
                if (nl < 0) {
                    return 0;                      // kept; presented again with more bytes
                }
                reply.complete(data.toString(0, nl, StandardCharsets.UTF_8));
                c.close();
                return nl + 1;
            }
        }, Duration.ofSeconds(5)).join();          // throws if the connect failed
        return reply.get(5, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        try (Engine client = Engine.builder().start()) { // no bind(): this engine only connects
            System.out.println(ask(client, new InetSocketAddress("127.0.0.1", 7007), "hello"));
        }
    }
}
