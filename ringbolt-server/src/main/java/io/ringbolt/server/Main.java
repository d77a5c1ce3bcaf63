package io.ringbolt.server;

import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.Health;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Entry point of {@code ./ringbolt serve|echo|udp-echo|proxy}. */
@Command(name = "ringbolt", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Ringbolt: a Java network engine on io_uring.",
        subcommands = {Main.Serve.class, Main.Echo.class, UdpEcho.class, ProxyCommand.class})
public final class Main implements Callable<Integer> {
    @Option(names = ConfigDefaults.CONFIG_OPTION, paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Options from a Java properties file, keys = long option names without dashes (port=8080); "
                    + "flags override RINGBOLT_* environment variables (RINGBOLT_PORT=8080), which override the file "
                    + "(default: $RINGBOLT_CONFIG when set).")
    Path config;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String... args) {
        return run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with {@code env} as the environment ({@link ConfigDefaults}: flag &gt;
     * {@code RINGBOLT_*} &gt; {@code --config} file &gt; default); returns the exit status.
     */
    static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(env, out, err, args);
        return cl == null ? 2 : cl.execute(args);
    }

    /** The command line for {@code args}, or null (after printing why) when the configuration is unusable. */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        ConfigDefaults config = ConfigDefaults.install(cl, env, args);
        if (config == null) {
            return null;
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof BackendUnavailableException
                    || ex instanceof UncheckedIOException || ex instanceof IOException) {
                cmd.getErr().println("ringbolt: " + config.explain(ex.getMessage()));
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** {@code --version}: the version the jars were built as. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ringbolt " + Engine.version()};
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Start the HTTP/1.1 demo and benchmark app (port 8080 by default): GET /, POST /ping, "
                    + "POST /echo, /plaintext, /json, /baseline11, /pipeline, /json/{count}, /upload, /static/*, "
                    + "/delay/{ms}, WebSocket /ws (echo) and /chat (page: /chat.html), and the probes GET /health/live and "
                    + "/health/ready. SIGINT/SIGTERM turn readiness 503, keep serving for --drain-delay, then drain gracefully.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        EngineOptions options;

        @Mixin
        HttpFlags http;

        @Mixin
        TlsFlags tls;

        @Mixin
        HttpPorts ports;

        @Mixin
        HealthFlags healthFlags;

        @Mixin
        AccessLogFlags accessLog;

        @Mixin
        MetricsFlags metricsFlags;

        @Option(names = "--chat-redis", paramLabel = "URI",
                description = "Relay the /chat room through Redis pub/sub (redis://host[:port]) so that several serve "
                        + "processes share it; while Redis is unreachable the chat stays local and reconnects.")
        URI chatRedis;

        @Override
        public Integer call() throws InterruptedException, IOException {
            configureLogging(options.logLevel);
            Duration drainDelay = healthFlags.drainDelay();
            Health health = new Health();
            ChatRoom room = new ChatRoom();
            if (chatRedis != null) {
                if (Main.class.getModule().isNamed() && ModuleLayer.boot().findModule("redis.clients.jedis").isEmpty()) {
                    throw new IllegalArgumentException("chat-redis=" + chatRedis + " (the Redis client, Jedis, is not in this "
                            + "runtime: run through ./ringbolt serve, not the jlink image)");
                }
                RedisChatRelay relay = new RedisChatRelay(chatRedis, room::broadcast);
                room.relayTo(relay::publish);
            }
            boolean metricsOn = metricsFlags.enabled();
            MetricsEndpoint metrics = metricsOn && metricsAvailable() ? new MetricsEndpoint() : null;
            HttpServer server = httpServer(http, health, accessLog, room, metrics).metricsEnabled(metricsOn);
            if (!metricsOn) {
                System.getLogger("io.ringbolt.server").log(System.Logger.Level.INFO,
                        "serve: metrics off (no per-request HTTP metrics, no GET /metrics)");
            }
            Engine.Builder builder = options.builder();
            var handler = ports.configure(builder, options.host, server, tls);
            boolean mainIsTls = !ports.hasTlsPorts() && tls.describe() != null;
            String tlsText = ports.hasTlsPorts() ? tls.describe() : tls.describe("http/1.1");
            return runEngine(options, builder.handler(handler)
                    .startupLog(e -> StartupLine.of("serve", e, a -> ports.describe(a, mainIsTls), tlsText)), health, drainDelay,
                    engine -> {
                        if (metrics != null) {
                            metrics.bind(engine, server);
                        }
                    });
        }

        static HttpServer httpServer(HttpFlags http, Health health, AccessLogFlags accessLog, ChatRoom room,
                                      MetricsEndpoint metrics) throws IOException {
            HttpOptions httpOptions = BrotliEncoder.offer(http.options());
            Path dataDir = ArenaData.locate(http.dataDir);
            ArenaData data = ArenaData.load(dataDir);
            System.getLogger("io.ringbolt.server").log(System.Logger.Level.INFO, dataDir == null
                    ? "serve: no HttpArena data directory found (--data-dir); /json/{count} answers 503 and /static is off"
                    : "serve: data " + dataDir + " (" + data.items().size() + " items"
                    + (data.staticDirectory() != null ? ", static/" : ", no static/") + ")");
            Router router = DemoApp.router(data, http.maxUploadBytes, room, metrics);
            health.mount(router);
            accessLog.install(router);
            return HttpServer.create(router, httpOptions);
        }
    }

    @Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Start the TCP echo server.")
    static final class Echo implements Callable<Integer> {
        @Mixin
        EngineOptions options;

        @Mixin
        TlsFlags tls;

        @Override
        public Integer call() throws InterruptedException {
            configureLogging(options.logLevel);
            String tlsText = tls.describe();
            return runEngine(options, options.builder().handler(tls.apply(c -> new EchoHandler()))
                    .startupLog(e -> StartupLine.of("echo", e, StartupLine.Protocol.ECHO, tlsText)));
        }
    }

    /**
     * Whether Micrometer is in this runtime: always on the class path; on the module path only
     * when resolved (the launcher resolves it, the jlink image leaves it out, so no /metrics there).
     */
    static boolean metricsAvailable() {
        return !Main.class.getModule().isNamed()
                || (ModuleLayer.boot().findModule("io.ringbolt.micrometer").isPresent()
                && ModuleLayer.boot().findModule("micrometer.registry.prometheus").isPresent());
    }

    static int runEngine(EngineOptions options, Engine.Builder builder) throws InterruptedException {
        return runEngine(options, builder, new Health(), Duration.ZERO, engine -> { });
    }

    static int runEngine(EngineOptions options, Engine.Builder builder, Health health, Duration drainDelay)
            throws InterruptedException {
        return runEngine(options, builder, health, drainDelay, engine -> { });
    }

    /**
     * Starts the engine, tells {@code started}, marks {@code health} ready, and waits for
     * SIGINT/SIGTERM, which turn it draining, keep serving for {@code drainDelay}, then stop the
     * engine gracefully.
     */
    static int runEngine(EngineOptions options, Engine.Builder builder, Health health, Duration drainDelay,
                         java.util.function.Consumer<Engine> started) throws InterruptedException {
        configureLogging(options.logLevel);
        Engine engine = builder.start();
        health.ready(); // before anything slow: the start-up line is out, so clients are already arriving
        started.accept(engine);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ringbolt-shutdown").unstarted(() -> {
            health.drainAndStop(engine, drainDelay);
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    /** One line per record on stderr, at the given level. */
    static void configureLogging(String levelName) {
        Level level = switch (levelName.toLowerCase(java.util.Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning", "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> throw new IllegalArgumentException("log-level=" + levelName + " (expected error, warning, info, debug)");
        };
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new SimpleFormatter());
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }
}
