package io.ringbolt.bench.peer;

/**
 * Command line of a peer server: {@code --transport nio|epoll|io_uring --port N [--host H]
 * [--threads T] [--tls-cert PEM --tls-key PEM] [--static-dir DIR]}. Deliberately tiny so the
 * peers have no dependency beyond Netty. {@code --static-dir} is for peers that serve
 * {@code /static/<file>} (null when absent).
 */
record PeerOptions(NettyTransport transport, String host, int port, int threads, String tlsCert, String tlsKey,
                   String staticDir) {

    static PeerOptions parse(String[] args) {
        NettyTransport transport = NettyTransport.NIO;
        String host = "127.0.0.1";
        int port = 8080;
        int threads = 1;
        String tlsCert = null;
        String tlsKey = null;
        String staticDir = null;
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(key + " needs a value");
            }
            String value = args[++i];
            switch (key) {
                case "--transport" -> transport = NettyTransport.parse(value);
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--tls-cert" -> tlsCert = value;
                case "--tls-key" -> tlsKey = value;
                case "--static-dir" -> staticDir = value;
                default -> throw new IllegalArgumentException("unknown option " + key
                        + " (expected --transport, --host, --port, --threads, --tls-cert, --tls-key, --static-dir)");
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads=" + threads + " (expected >= 1)");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return new PeerOptions(transport, host, port, threads, tlsCert, tlsKey, staticDir);
    }
}
