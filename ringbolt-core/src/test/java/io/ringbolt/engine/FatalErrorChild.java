package io.ringbolt.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Main class of the child JVM of {@link FatalErrorIntegrationTest}: an echo engine with the
 * default {@link FatalErrorHandler} whose handler throws {@code StackOverflowError} (args[1] =
 * {@code handler}) or whose reactor runs a task that throws {@code InternalError}
 * ({@code task}) when a byte arrives. Prints its port, then waits to be ended.
 */
public final class FatalErrorChild {
    private FatalErrorChild() {
    }

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.parse(args[0]);
        boolean inTask = "task".equals(args[1]);
        Engine engine = Engine.builder()
                .backend(backend)
                .reactors(2)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .handler(c -> (connection, data) -> {
                    if (inTask) {
                        connection.reactor().execute(() -> {
                            throw new InternalError("injected by the test: a broken reactor task");
                        });
                        return data.length();
                    }
                    throw new StackOverflowError("injected by the test");
                })
                .start();
        System.out.println("PORT=" + engine.port());
        System.out.flush();
        Thread.sleep(60_000);
        System.out.println("STILL ALIVE");
        engine.close();
    }
}
