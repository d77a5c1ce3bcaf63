package io.ringbolt.engine;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Main class of the child JVM of {@link AcceptAtFdLimitIntegrationTest}: an echo engine on the
 * backend and accept mode given as arguments, two reactors. It goes once through a whole
 * connection (accept, echo, close) before it reports its port, so that no class is left to load
 * from a class-path directory once its fd table is full. Prints {@code PORT=} and
 * {@code FDS=} (open fds when ready), then serves until its stdin ends.
 */
public final class AcceptAtFdLimitChild {
    private AcceptAtFdLimitChild() {
    }

    public static void main(String[] args) throws Exception {
        try (Engine engine = Engine.builder()
                .backend(Backend.parse(args[0]))
                .acceptMode(AcceptMode.parse(args[1]))
                .reactors(2)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .handler(c -> new EchoTestHandler())
                .start()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), engine.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write('!');
                if (s.getInputStream().read() != '!') {
                    throw new IllegalStateException("no echo");
                }
            }
            long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (engine.stats().openConnections() > 0 && System.nanoTime() - deadlineNs < 0) {
                Thread.sleep(1);
            }
            String[] fds = new File("/proc/self/fd").list();
            System.out.println("FDS=" + (fds == null ? -1 : fds.length));
            System.out.println("PORT=" + engine.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
