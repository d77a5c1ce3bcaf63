package io.ringbolt.engine;

import io.ringbolt.buffer.MemoryBudget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A running set of reactors with their listeners. Start one with {@link #builder()}:
 *
 * <pre>{@code
 * Engine engine = Engine.builder()
 *     .bind(new InetSocketAddress(8080))
 *     .reactors(4)
 *     .backend(Backend.AUTO)
 *     .handler(conn -> new EchoHandler())
 *     .start();
 * }</pre>
 *
 * An engine also connects out ({@link #connect(SocketAddress, HandlerFactory, Duration)}), with
 * or without listeners of its own.
 *
 * <p>Thread-safe. {@link #close()} stops gracefully; an engine can be started and stopped many
 * times in one JVM.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");

    private final EngineConfig config;
    private final Backend backend;
    private final String backendReason;
    private final String features;
    private final TransportServer server;
    /** Round-robin position of the next outbound connection. */
    private final AtomicInteger nextConnectReactor = new AtomicInteger();
    private volatile boolean closed;

    private Engine(EngineConfig config, Backend backend, String backendReason, String features,
                   TransportServer server) {
        this.config = config;
        this.backend = backend;
        this.backendReason = backendReason;
        this.features = features;
        this.server = server;
    }

    /** A builder with defaults: no listener, one reactor per processor, AUTO backend. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings this engine runs with. */
    public EngineConfig config() {
        return config;
    }

    /** The backend actually running: {@link Backend#IO_URING} or {@link Backend#NIO}. */
    public Backend backend() {
        return backend;
    }

    /** Why this backend was chosen (for AUTO, the probe's verdict). */
    public String backendReason() {
        return backendReason;
    }

    /** The addresses actually bound, with real ports when port 0 was asked for. */
    public List<InetSocketAddress> boundAddresses() {
        return server.boundAddresses();
    }

    /** The port of the first bound address. */
    public int port() {
        List<InetSocketAddress> addrs = boundAddresses();
        if (addrs.isEmpty()) {
            throw new IllegalStateException("engine has no listener");
        }
        return addrs.getFirst().getPort();
    }

    /** The reactors, in index order. */
    public List<Reactor> reactors() {
        return List.copyOf(server.reactors());
    }

    /** Runs {@code action} for every open connection, each on its own reactor thread. Any thread. */
    public void forEachConnection(Consumer<Connection> action) {
        for (Reactor r : server.reactors()) {
            r.execute(() -> r.forEachConnection(action));
        }
    }

    /** Writes and flushes {@code message} to every open connection. Any thread. */
    public void broadcast(byte[] message) {
        byte[] copy = message.clone();
        forEachConnection(c -> c.writeAndFlush(copy));
    }

    /**
     * Opens an outbound TCP connection on the next reactor in round-robin order. Once open it
     * behaves exactly like an accepted connection: the same handler contract, back-pressure,
     * timers (idle, write), close reasons, receive limits and memory budget, and it closes with
     * the engine.
     *
     * <p>An unresolved {@link InetSocketAddress} ({@link InetSocketAddress#createUnresolved}) is
     * resolved on a virtual thread, never on a reactor; the first address the resolver returns
     * is used. {@code timeout} covers resolution and connect together.
     *
     * <p>The future completes on the connection's reactor thread: with the connection, after its
     * handler was created by {@code handlerFactory} and its {@code onOpen} returned (if that
     * handler closed it already, the connection is returned closed); or exceptionally, naming
     * the address and the cause, with a {@link ConnectException} (refused, reset, engine
     * stopping, reactor full: {@code connect to /127.0.0.1:1 failed: ECONNREFUSED (connection
     * refused)}), a {@link java.net.NoRouteToHostException} (unreachable), a
     * {@link java.net.SocketTimeoutException} (timed out) or an
     * {@link java.net.UnknownHostException}. A failed connect leaves nothing behind: no
     * descriptor, no connection slot, no buffer. Actions chained with the non-async methods of
     * the future run on the reactor thread and must not block. Cancelling the future before the
     * connect completed closes the socket; no handler is created.
     *
     * <p>Any thread.
     *
     * @param address        where to connect; an {@link InetSocketAddress}, resolved or not
     * @param handlerFactory creates the connection's handler once it is open (on its reactor thread)
     * @param timeout        positive; for resolution and connect
     * @throws IllegalArgumentException for another kind of address or a timeout that is not positive
     */
    public CompletableFuture<Connection> connect(SocketAddress address, HandlerFactory handlerFactory, Duration timeout) {
        List<? extends Reactor> all = server.reactors();
        Reactor r = all.get(Math.floorMod(nextConnectReactor.getAndIncrement(), all.size()));
        return connect(r, address, handlerFactory, timeout);
    }

    /** As {@link #connect(SocketAddress, HandlerFactory, Duration)}, with one handler instance for the connection. */
    public CompletableFuture<Connection> connect(SocketAddress address, ConnectionHandler handler, Duration timeout) {
        Objects.requireNonNull(handler, "handler");
        return connect(address, c -> handler, timeout);
    }

    /**
     * As {@link #connect(SocketAddress, HandlerFactory, Duration)}, on the given reactor of this
     * engine (e.g. the reactor of a connection the new one will exchange bytes with).
     *
     * @throws IllegalArgumentException if {@code reactor} is not one of this engine's
     */
    public CompletableFuture<Connection> connect(Reactor reactor, SocketAddress address, HandlerFactory handlerFactory,
                                                 Duration timeout) {
        Objects.requireNonNull(reactor, "reactor");
        if (!server.reactors().contains(reactor)) {
            throw new IllegalArgumentException("reactor=" + reactor + " (not a reactor of this engine)");
        }
        if (closed) {
            Objects.requireNonNull(address, "address");
            return CompletableFuture.failedFuture(new ConnectException("connect to " + address + " failed: the engine is stopped"));
        }
        return reactor.connect(address, handlerFactory, timeout);
    }

    /**
     * Binds UDP sockets to {@code address}: one per reactor sharing the port with SO_REUSEPORT
     * (the kernel spreads sources over them by their address hash), each receiving on its own
     * reactor thread. With port 0 they all share the port the first one got. The sockets close
     * with the engine. Works with or without TCP listeners. Any thread but a reactor thread
     * (it waits for the reactors).
     *
     * @return the sockets, in reactor order
     * @throws UncheckedIOException naming the address and errno when a socket cannot be bound
     */
    public List<DatagramSocket> bindDatagram(InetSocketAddress address, DatagramOptions options, DatagramHandler handler) {
        List<DatagramSocket> sockets = new ArrayList<>();
        InetSocketAddress want = address;
        try {
            for (Reactor r : server.reactors()) {
                DatagramSocket s = openDatagram(r, new DatagramSpec(want, null, true, options, handler));
                sockets.add(s);
                want = new InetSocketAddress(want.getAddress(), s.localAddress().getPort());
            }
        } catch (RuntimeException e) {
            sockets.forEach(DatagramSocket::close);
            throw e;
        }
        return List.copyOf(sockets);
    }

    /**
     * Binds one UDP socket to {@code address} on {@code reactor} (no SO_REUSEPORT). Any thread
     * but a reactor thread.
     *
     * @throws UncheckedIOException naming the address and errno when it cannot be bound
     */
    public DatagramSocket bindDatagram(Reactor reactor, InetSocketAddress address, DatagramOptions options,
                                       DatagramHandler handler) {
        return openDatagram(ownReactor(reactor), new DatagramSpec(address, null, false, options, handler));
    }

    /**
     * Opens a connected UDP socket to {@code remote} (a client) on the next reactor in
     * round-robin order, bound to an ephemeral port of the wildcard address of the remote's
     * family. Only datagrams from {@code remote} are received; ICMP errors about it (port
     * unreachable) reach {@link DatagramHandler#onError}. Any thread but a reactor thread.
     *
     * @throws UncheckedIOException naming the address and errno when it cannot be opened
     */
    public DatagramSocket connectDatagram(InetSocketAddress remote, DatagramOptions options, DatagramHandler handler) {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("remote=" + remote + " (unresolved)");
        }
        List<? extends Reactor> all = server.reactors();
        Reactor r = all.get(Math.floorMod(nextConnectReactor.getAndIncrement(), all.size()));
        InetSocketAddress local = new InetSocketAddress(
                remote.getAddress() instanceof java.net.Inet6Address ? anyLocal6() : anyLocal4(), 0);
        return openDatagram(r, new DatagramSpec(local, remote, false, options, handler));
    }

    private static InetAddress anyLocal4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress anyLocal6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Reactor ownReactor(Reactor reactor) {
        Objects.requireNonNull(reactor, "reactor");
        for (Reactor r : server.reactors()) {
            if (r == reactor) {
                return r;
            }
        }
        throw new IllegalArgumentException("reactor=" + reactor + " (not a reactor of this engine)");
    }

    private DatagramSocket openDatagram(Reactor r, DatagramSpec spec) {
        Objects.requireNonNull(spec.options(), "options");
        Objects.requireNonNull(spec.handler(), "handler");
        if (spec.local().isUnresolved()) {
            throw new IllegalArgumentException("address=" + spec.local() + " (unresolved)");
        }
        if (r.inReactorThread()) {
            throw new IllegalStateException("open datagram sockets from outside the engine's reactor threads");
        }
        if (closed) {
            throw new IllegalStateException("the engine is stopped");
        }
        CompletableFuture<DatagramSocket> f = new CompletableFuture<>();
        r.execute(() -> {
            try {
                f.complete(((DatagramReactor) r).openDatagram(spec));
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening a datagram socket on " + spec.local(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("reactor " + r.index() + " did not open the datagram socket within 30 s", e);
        }
    }

    /**
     * A snapshot of the engine's counters summed over reactors: read it with
     * {@link EngineMetrics#get(Counter)}. Any thread; values are slightly stale while traffic flows.
     */
    public EngineMetrics metrics() {
        return server.metrics();
    }

    /**
     * Counters summed over reactors. Any thread.
     *
     * @deprecated use {@link #metrics()}
     */
    @Deprecated
    public EngineStats stats() {
        return EngineStats.of(server.metrics());
    }

    /**
     * The kernel or platform features this engine's backend uses, in words, e.g. {@code kernel
     * 6.8.0: multishot accept+recv, provided-buffer ring, send_zc}. The raw io_uring feature mask
     * is logged at DEBUG when the engine starts.
     */
    public String features() {
        return features;
    }

    /**
     * The Ringbolt version these classes were built as, e.g. {@code 0.1.0}, from a resource
     * Maven writes at build time (or the jar manifest).
     */
    public static String version() {
        return RingboltVersion.get();
    }

    /**
     * The start-up line the engine logs at INFO unless {@link Builder#startupLog} replaces it:
     * version, backend and why, reactors, accept mode, memory budget, addresses, features, e.g.
     * {@code ringbolt 0.1.0: backend=io_uring (auto: io_uring probe passed), 2 reactors,
     * accept=reuseport, memory budget 256 MiB, listening on 127.0.0.1:8080; kernel 6.8.0: ...}.
     */
    public String statusLine() {
        return "ringbolt " + version() + ": backend=" + backend.displayName() + " (" + backendReason + "), "
                + config.reactorCount() + (config.reactorCount() == 1 ? " reactor" : " reactors")
                + ", accept=" + config.acceptMode().name().toLowerCase(java.util.Locale.ROOT)
                + (config.shareListenPort() ? " (port shared across processes)" : "")
                + ", memory budget " + budgetText(config.memoryBudget().limitBytes())
                + (boundAddresses().isEmpty() ? ", no listener (connects only)" : ", listening on " + addressesText())
                + "; " + features;
    }

    private String addressesText() {
        StringBuilder sb = new StringBuilder();
        for (InetSocketAddress a : boundAddresses()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(hostPort(a));
        }
        return sb.toString();
    }

    /** {@code 127.0.0.1:8080} or {@code [::1]:8080}: a bound address as a URL authority. */
    public static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String budgetText(long bytes) {
        return bytes == Long.MAX_VALUE ? "unlimited" : (bytes >> 20) + " MiB";
    }

    /**
     * Stops gracefully: stop accepting, ask every handler to finish ({@link ConnectionHandler#onShutdown}),
     * wait up to {@code grace} for connections to close, then close the rest. Blocks until every
     * engine thread has ended. Idempotent.
     *
     * @return true if every connection closed on its own within the grace period
     */
    public boolean stop(Duration grace) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
        }
        return server.stop(grace);
    }

    /** {@link #stop(Duration)} with the configured shutdown grace. */
    @Override
    public void close() {
        stop(config.shutdownGrace());
    }

    /** Fluent settings for an engine; {@link #start()} validates them. Not thread-safe. */
    public static final class Builder {
        private final List<InetSocketAddress> bind = new ArrayList<>();
        private int reactors = Runtime.getRuntime().availableProcessors();
        private Backend backend = Backend.AUTO;
        private AcceptMode acceptMode = AcceptMode.REUSEPORT;
        private boolean shareListenPort;
        private int ringEntries = 1024;
        private int completionEntries = 8192;
        private int bufferSize = 16 * 1024;
        private int bufferCount = 1024;
        private int maxConnectionsPerReactor = 65536;
        private int backlog = 4096;
        private boolean tcpNoDelay = true;
        private int writeHighWaterMark = 1024 * 1024;
        private int writeLowWaterMark = 256 * 1024;
        private int maxReceiveBufferBytes = 8 * 1024 * 1024;
        private Duration idleTimeout = Duration.ZERO;
        private Duration writeTimeout = Duration.ofSeconds(60);
        private Duration lingerTimeout = Duration.ofSeconds(2);
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private String threadNamePrefix = "ringbolt";
        private MemoryBudget memoryBudget;
        private long memoryBudgetBytes;
        private FatalErrorHandler fatalErrorHandler = FatalErrorHandler.exitProcess();
        private HandlerFactory handlerFactory;
        private Function<? super Engine, String> startupLog = Engine::statusLine;

        private Builder() {
        }

        /** Adds a listening address (port 0 picks a free port). */
        public Builder bind(InetSocketAddress address) {
            bind.add(Objects.requireNonNull(address, "bind"));
            return this;
        }

        /** Adds a listener on {@code host:port}. */
        public Builder bind(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port=" + port + " (must be 0..65535)");
            }
            try {
                return bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                throw new IllegalArgumentException("bind=" + host + " (" + e.getMessage() + ")", e);
            }
        }

        /** Number of reactor threads (1..1024). */
        public Builder reactors(int count) { this.reactors = count; return this; }

        /** Backend to run on. */
        public Builder backend(Backend value) { this.backend = value; return this; }

        /** How accepted connections reach reactors. */
        public Builder acceptMode(AcceptMode value) { this.acceptMode = value; return this; }

        /**
         * Whether other processes may listen on this engine's ports at the same time (default
         * false). Off, {@link #start()} fails with a {@link java.net.BindException} naming the
         * address when another socket already listens on it, in every accept mode. On, the
         * listeners get SO_REUSEPORT in every accept mode and join the sockets of another
         * process that opted in too (same user; Linux spreads connections over all of them):
         * a new server version starts next to the old one, which then stops gracefully. A
         * process that did not opt in can still be joined by one that does in REUSEPORT mode;
         * the option protects against starting twice by mistake, not against a same-user peer.
         */
        public Builder shareListenPort(boolean value) { this.shareListenPort = value; return this; }

        /** io_uring SQ entries per reactor; the CQ gets 8× unless set with {@link #completionEntries}. */
        public Builder ringEntries(int value) {
            this.ringEntries = value;
            this.completionEntries = Math.max(completionEntries, value);
            return this;
        }

        /** io_uring CQ entries per reactor. */
        public Builder completionEntries(int value) { this.completionEntries = value; return this; }

        /** Bytes per receive buffer. */
        public Builder bufferSize(int value) { this.bufferSize = value; return this; }

        /** Receive buffers per reactor (power of 2). */
        public Builder bufferCount(int value) { this.bufferCount = value; return this; }

        /** Connections one reactor may hold. */
        public Builder maxConnectionsPerReactor(int value) { this.maxConnectionsPerReactor = value; return this; }

        /** Listen backlog. */
        public Builder backlog(int value) { this.backlog = value; return this; }

        /** TCP_NODELAY on accepted sockets (default true). */
        public Builder tcpNoDelay(boolean value) { this.tcpNoDelay = value; return this; }

        /** Back-pressure marks for pending output, in bytes. */
        public Builder writeWaterMarks(int low, int high) {
            this.writeLowWaterMark = low;
            this.writeHighWaterMark = high;
            return this;
        }

        /** Unconsumed received bytes a connection may keep before it is closed with OVERFLOW. */
        public Builder maxReceiveBufferBytes(int value) { this.maxReceiveBufferBytes = value; return this; }

        /** Close connections idle for this long (ZERO disables). */
        public Builder idleTimeout(Duration value) { this.idleTimeout = value; return this; }

        /**
         * Abort a connection whose pending output made no progress for this long (the peer
         * stopped reading); ZERO disables. Default 60 s, like nginx's {@code send_timeout}.
         * It also bounds a graceful close that waits for its output to drain.
         */
        public Builder writeTimeout(Duration value) { this.writeTimeout = value; return this; }

        /**
         * After a graceful local close with the peer still sending, wait this long for its EOF
         * (discarding what it sends) so the last response is not lost to a reset; ZERO closes at
         * once. Default 2 s.
         */
        public Builder lingerTimeout(Duration value) { this.lingerTimeout = value; return this; }

        /** Grace period of {@link Engine#close()}. */
        public Builder shutdownGrace(Duration value) { this.shutdownGrace = value; return this; }

        /** Thread name prefix. */
        public Builder threadNamePrefix(String value) { this.threadNamePrefix = value; return this; }

        /**
         * Bytes of unhandled input all connections may hold at once (kept input, request bodies,
         * messages being assembled); past it the server pushes back instead of allocating.
         * Default: {@link MemoryBudget#defaultLimitBytes} of the JVM's maximum heap.
         */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory-budget=" + bytes + " (must be positive)");
            }
            this.memoryBudgetBytes = bytes;
            this.memoryBudget = null;
            return this;
        }

        /** A budget shared with other engines (or {@link MemoryBudget#unlimited()}). */
        public Builder memoryBudget(MemoryBudget budget) {
            this.memoryBudget = Objects.requireNonNull(budget, "memory-budget");
            return this;
        }

        /** What happens when a reactor dies; default {@link FatalErrorHandler#exitProcess()}. */
        public Builder fatalErrorHandler(FatalErrorHandler handler) {
            this.fatalErrorHandler = Objects.requireNonNull(handler, "fatal-error-handler");
            return this;
        }

        /**
         * Creates each accepted connection's handler; required when a listener is bound. An
         * engine without listeners (a client) needs none: its connections get their handlers
         * from {@link Engine#connect}.
         */
        public Builder handler(HandlerFactory factory) { this.handlerFactory = factory; return this; }

        /**
         * The record the engine logs at INFO once it is started: {@code line} gets the started
         * engine (its backend, addresses, {@link Engine#features()}), and what it returns is
         * logged before any accepted connection reaches a handler. Default {@link
         * Engine#statusLine()}; null logs nothing (an application that prints its own line).
         */
        public Builder startupLog(Function<? super Engine, String> line) { this.startupLog = line; return this; }

        /** Validates the settings without starting anything. */
        public EngineConfig buildConfig() {
            return new EngineConfig(bind, reactors, backend, acceptMode, shareListenPort, ringEntries, completionEntries,
                    bufferSize, bufferCount, maxConnectionsPerReactor, backlog, tcpNoDelay, writeHighWaterMark,
                    writeLowWaterMark, maxReceiveBufferBytes, idleTimeout, writeTimeout, lingerTimeout, shutdownGrace, threadNamePrefix,
                    budget(), fatalErrorHandler);
        }

        private MemoryBudget budget() {
            if (memoryBudget == null) {
                memoryBudget = MemoryBudget.of(memoryBudgetBytes > 0 ? memoryBudgetBytes
                        : MemoryBudget.defaultLimitBytes(Runtime.getRuntime().maxMemory()));
            }
            return memoryBudget;
        }

        /**
         * Validates, picks the backend, binds and starts the reactors.
         *
         * @throws IllegalArgumentException    for an invalid setting, naming its key
         * @throws BackendUnavailableException when the requested backend cannot run here
         * @throws UncheckedIOException        when binding fails
         */
        public Engine start() {
            EngineConfig config = buildConfig();
            if (!config.bindAddresses().isEmpty() && handlerFactory == null) {
                throw new IllegalArgumentException("handler=null (a handler factory is required with a listener)");
            }
            HandlerFactory configured = handlerFactory != null ? handlerFactory : c -> {
                throw new IllegalStateException("no handler factory configured");
            };
            // The start-up line comes first: a connection accepted while it is being logged
            // waits (on its reactor, normally for microseconds) until it is out. The wait is
            // bounded so that a start that fails and stops its reactors never waits on itself.
            CountDownLatch announced = new CountDownLatch(1);
            HandlerFactory factory = afterStartupLine(configured, announced);
            Transport transport;
            String reason;
            switch (config.backend()) {
                case IO_URING -> {
                    transport = Transports.of(Backend.IO_URING);
                    String cause = transport.unavailabilityCause(config);
                    if (cause != null) {
                        throw new BackendUnavailableException("backend=io_uring unavailable: " + cause);
                    }
                    reason = "requested";
                }
                case NIO -> {
                    transport = Transports.of(Backend.NIO);
                    reason = "requested";
                }
                default -> {
                    String cause = Transports.unavailabilityCause(Backend.IO_URING, config);
                    if (cause == null) {
                        transport = Transports.of(Backend.IO_URING);
                        reason = "auto: io_uring probe passed";
                    } else {
                        transport = Transports.of(Backend.NIO);
                        reason = "auto: io_uring unavailable: " + cause;
                        LOG.log(System.Logger.Level.WARNING, "ringbolt: running on NIO because io_uring is unavailable: " + cause);
                    }
                }
            }
            TransportServer server;
            try {
                try {
                    server = transport.start(config, factory);
                } catch (BackendUnavailableException e) {
                    if (config.backend() != Backend.AUTO) {
                        throw new BackendUnavailableException("backend=io_uring unavailable: " + e.getMessage());
                    }
                    reason = "auto: io_uring failed at start: " + e.getMessage();
                    LOG.log(System.Logger.Level.WARNING, "ringbolt: running on NIO because " + reason);
                    transport = Transports.of(Backend.NIO);
                    server = transport.start(config, factory);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("bind=" + config.bindAddresses() + " failed: " + e.getMessage(), e);
            }
            Engine engine = new Engine(config, transport.backend(), reason, transport.features(), server);
            try {
                if (startupLog != null) {
                    LOG.log(System.Logger.Level.INFO, startupLog.apply(engine));
                }
            } finally {
                announced.countDown();
            }
            return engine;
        }

        /** {@code factory}, once {@code announced} is open (waiting at most a second for it). */
        private static HandlerFactory afterStartupLine(HandlerFactory factory, CountDownLatch announced) {
            return c -> {
                if (announced.getCount() > 0) {
                    try {
                        announced.await(1, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return factory.newHandler(c);
            };
        }
    }
}
