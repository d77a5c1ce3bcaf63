package io.ringbolt.server;

import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Entry point of {@code ./ringbolt serve|echo|udp-echo}. */
@Command(name = "ringbolt", mixinStandardHelpOptions = true, version = "ringbolt 0.1.0",
        description = "Ringbolt: a Java network engine on io_uring.",
        subcommands = {Main.Serve.class, Main.Echo.class, UdpEcho.class})
public final class Main implements Callable<Integer> {

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof BackendUnavailableException
                    || ex instanceof UncheckedIOException || ex instanceof IOException) {
                cmd.getErr().println("ringbolt: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the HTTP/1.1 demo and benchmark app (port 8080 by default): GET /, POST /ping, "
                    + "POST /echo, /plaintext, /json, /baseline11, /pipeline, /json/{count}, /upload, /static/*, "
                    + "/delay/{ms}, WebSocket /ws (echo) and /chat (page: /chat.html). SIGINT/SIGTERM drain gracefully.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        EngineOptions options;

        @Mixin
        HttpFlags http;

        @Mixin
        TlsFlags tls;

        @Override
        public Integer call() throws InterruptedException, IOException {
            configureLogging(options.logLevel);
            MetricsEndpoint metrics = new MetricsEndpoint();
            HttpServer server = httpServer(http, metrics);
            return runEngine(options, options.builder().handler(tls.apply(server, "http/1.1")),
                    engine -> metrics.bind(engine, server));
        }

        static HttpServer httpServer(HttpFlags http) throws IOException {
            return httpServer(http, new MetricsEndpoint());
        }

        static HttpServer httpServer(HttpFlags http, MetricsEndpoint metrics) throws IOException {
            HttpOptions httpOptions = BrotliEncoder.offer(http.options());
            Path dataDir = ArenaData.locate(http.dataDir);
            ArenaData data = ArenaData.load(dataDir);
            System.getLogger("io.ringbolt.server").log(System.Logger.Level.INFO, dataDir == null
                    ? "serve: no HttpArena data directory found (--data-dir); /json/{count} answers 503 and /static is off"
                    : "serve: data " + dataDir + " (" + data.items().size() + " items"
                    + (data.staticDirectory() != null ? ", static/" : ", no static/") + ")");
            return HttpServer.create(DemoApp.router(data, http.maxUploadBytes, metrics), httpOptions);
        }
    }

    @Command(name = "echo", mixinStandardHelpOptions = true, description = "Start the TCP echo server.")
    static final class Echo implements Callable<Integer> {
        @Mixin
        EngineOptions options;

        @Mixin
        TlsFlags tls;

        @Override
        public Integer call() throws InterruptedException {
            configureLogging(options.logLevel);
            return runEngine(options, options.builder().handler(tls.apply(c -> new EchoHandler())));
        }
    }

    static int runEngine(EngineOptions options, Engine.Builder builder) throws InterruptedException {
        return runEngine(options, builder, engine -> { });
    }

    static int runEngine(EngineOptions options, Engine.Builder builder, java.util.function.Consumer<Engine> started)
            throws InterruptedException {
        configureLogging(options.logLevel);
        Engine engine = builder.start();
        started.accept(engine);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ringbolt-shutdown").unstarted(() -> {
            engine.close();
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
