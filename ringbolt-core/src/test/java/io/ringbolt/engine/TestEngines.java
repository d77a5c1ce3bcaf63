package io.ringbolt.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Engine builders for the loopback suite: 127.0.0.1, port 0, one reactor, a unique thread prefix. */
public final class TestEngines {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestEngines() {
    }

    /** A fresh thread-name prefix, so tests can find (and prove gone) their own threads. */
    public static String uniquePrefix() {
        return "rbt" + SEQ.incrementAndGet();
    }

    /** One reactor on {@code backend}, bound to 127.0.0.1:0, with {@code handler} per connection. */
    public static Engine.Builder loopback(Backend backend, HandlerFactory handler) {
        return Engine.builder()
                .backend(backend)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .reactors(1)
                .shutdownGrace(Duration.ofSeconds(2))
                .threadNamePrefix(uniquePrefix())
                .handler(handler);
    }

    /** The address a client connects to: the engine's port on 127.0.0.1. */
    public static InetSocketAddress address(Engine engine) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port());
    }
}
