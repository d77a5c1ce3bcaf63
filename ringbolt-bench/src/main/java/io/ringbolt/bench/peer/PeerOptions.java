package io.ringbolt.bench.peer;

/**
 * Command line of a peer server: {@code --transport nio|epoll|io_uring --port N [--host H]
 * [--threads T]}. Deliberately tiny so the peers have no dependency beyond Netty.
 */
record PeerOptions(NettyTransport transport, String host, int port, int threads) {

    static PeerOptions parse(String[] args) {
        NettyTransport transport = NettyTransport.NIO;
        String host = "127.0.0.1";
        int port = 8080;
        int threads = 1;
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
                default -> throw new IllegalArgumentException("unknown option " + key
                        + " (expected --transport, --host, --port, --threads)");
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads=" + threads + " (expected >= 1)");
        }
        return new PeerOptions(transport, host, port, threads);
    }
}
