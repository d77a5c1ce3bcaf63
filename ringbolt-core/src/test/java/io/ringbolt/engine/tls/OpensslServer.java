package io.ringbolt.engine.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code openssl s_server -rev} as a child process on a free loopback port: a TLS server that
 * answers each line with the line reversed. Its output (handshake reports) is kept for
 * assertions. Installs the {@code openssl} package if the command is missing; the test is
 * skipped only if that is impossible.
 */
final class OpensslServer implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;

    private OpensslServer(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread.ofVirtual().start(this::drain);
    }

    /** Starts {@code openssl s_server -rev} with the given certificate and extra options; returns once it accepts. */
    static OpensslServer start(java.nio.file.Path cert, java.nio.file.Path key, String... options) throws Exception {
        ensureInstalled();
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                    "-cert", cert.toString(), "-key", key.toString(), "-rev"));
            command.addAll(List.of(options));
            OpensslServer server = new OpensslServer(new ProcessBuilder(command).redirectErrorStream(true).start(), port);
            if (server.awaitOutput("ACCEPT", Duration.ofSeconds(20))) {
                return server;
            }
            server.close();
            if (attempt == 2) { // the free port was taken in between, three times
                throw new IOException("openssl s_server did not start: " + command + "\n" + server.output());
            }
        }
    }

    private static void ensureInstalled() throws Exception {
        if (run("openssl", "version") == 0) {
            return;
        }
        run("apt-get", "install", "-y", "openssl");
        assumeTrue(run("openssl", "version") == 0, "openssl is missing and apt-get could not install it");
    }

    private static int run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(300, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException notThere) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void drain() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    /** Waits until the output contains {@code text}; false if the process exits or time runs out first. */
    boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output.toString().contains(text)) {
            if (System.nanoTime() > deadline || (!process.isAlive() && !output.toString().contains(text))) {
                Thread.sleep(50); // the drain may still be appending the last bytes
                return output.toString().contains(text);
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** 127.0.0.1 and the port, named "localhost". */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
