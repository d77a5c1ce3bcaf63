package io.ringbolt.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Blocking java.net clients for the loopback suite. Reads time out instead of hanging a test. */
public final class Clients {
    /** Read timeout of every client socket. */
    public static final int READ_TIMEOUT_MS = 20_000;

    private Clients() {
    }

    /** A connected socket with a read timeout. */
    public static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.connect(address, READ_TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Reads exactly {@code n} bytes. */
    public static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("EOF after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** Reads until EOF. */
    public static byte[] readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Asserts that the next read sees EOF (no more bytes). */
    public static void assertEof(InputStream in) throws IOException {
        assertThat(in.read()).as("expected EOF").isEqualTo(-1);
    }

    /**
     * Sends {@code payload} from a second thread while this thread reads the echo, so a payload
     * bigger than every socket buffer together cannot deadlock; asserts the echo is byte-exact.
     */
    public static void assertEcho(Socket s, byte[] payload) throws Exception {
        OutputStream out = s.getOutputStream();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
        byte[] echoed = readExactly(s.getInputStream(), payload.length);
        writer.get();
        if (!Arrays.equals(echoed, payload)) {
            int at = Arrays.mismatch(echoed, payload);
            throw new AssertionError("echo differs from payload at byte " + at + " of " + payload.length);
        }
    }

    /** Connects, echoes {@code payload} byte-exactly, closes. */
    public static void echoOnce(InetSocketAddress address, byte[] payload) throws Exception {
        try (Socket s = connect(address)) {
            assertEcho(s, payload);
        }
    }
}
