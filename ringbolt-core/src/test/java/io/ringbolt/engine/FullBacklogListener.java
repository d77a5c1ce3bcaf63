package io.ringbolt.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never accepts, with its accept queue filled by plain sockets: the
 * kernel drops the SYN of any further connect, which then hangs until its timeout. The safe way
 * to test connect timeouts, since no packet leaves the machine.
 */
public final class FullBacklogListener implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    /** Opens the listener (backlog 1) and connects until a connect hangs. */
    public FullBacklogListener() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try {
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(address(), 300);
                    fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return;
                }
            }
            throw new IOException("the accept queue of " + address() + " did not fill up");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Where connects hang. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}
