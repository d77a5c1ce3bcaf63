package io.ringbolt.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Main class of the child JVM of {@link NioFallbackIntegrationTest}: starts an AUTO engine,
 * echoes one byte through it and prints what it chose. Uses nothing but the engine (the child
 * runs as an unprivileged user who cannot read the test libraries in root's Maven repository).
 */
public final class NioFallbackChild {
    private NioFallbackChild() {
    }

    public static void main(String[] args) throws Exception {
        try (Engine engine = Engine.builder()
                .backend(Backend.AUTO)
                .reactors(1)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .handler(c -> new EchoTestHandler())
                .start();
             Socket s = new Socket(InetAddress.getLoopbackAddress(), engine.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write('!');
            if (s.getInputStream().read() != '!') {
                throw new IllegalStateException("no echo");
            }
            System.out.println("BACKEND=" + engine.backend());
            System.out.println("REASON=" + engine.backendReason());
        }
    }
}
