package io.ringbolt.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Main class of the child JVM of {@link PortSafetyIntegrationTest}: starts an engine on
 * 127.0.0.1 with the arguments {@code backend acceptMode port share}, whose connections are
 * greeted with {@code child} and closed. Prints {@code PORT=<port>} and serves until its stdin
 * ends, or prints {@code FAILED=<message>} and exits with status 3 when the start fails.
 */
public final class PortHolderChild {
    private PortHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        Engine engine;
        try {
            engine = Engine.builder()
                    .backend(Backend.parse(args[0]))
                    .acceptMode(AcceptMode.parse(args[1]))
                    .reactors(2)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[2])))
                    .shareListenPort(Boolean.parseBoolean(args[3]))
                    .handler(c -> PortSafetyIntegrationTest.greeter("child"))
                    .start();
        } catch (RuntimeException e) {
            System.out.println("FAILED=" + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        try (engine) {
            System.out.println("PORT=" + engine.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
