package io.ringbolt.bench.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client of the connect-rate profile: opens outbound TCP connections as fast as one event
 * loop can, {@code --concurrency} in flight. Each connection sends one byte, and is closed with a
 * reset (SO_LINGER 0) when the echo server's copy of it arrives, so that neither side keeps
 * TIME_WAIT state and only connection set-up, one round trip and tear-down are measured. The
 * echo makes the loop closed: a connect counts only once the server has accepted it. Resetting
 * at once on connect (as this client first did) let a fast client outrun the server's accept
 * loop, overflow its listen queue and wait out 1 s SYN retransmits, so the figure measured the
 * server and the kernel's penalty rather than the client (seen as ListenOverflows in nstat). The same loop runs on Ringbolt's engine ({@code Engine.connect}, one
 * reactor) or Netty 4.2's {@code Bootstrap} (one event loop), on each one's transports.
 *
 * <p>After {@code --warmup} seconds it counts connects over {@code --duration} seconds and reads
 * CPU times at both ends of that window: its own JVM's, the server's ({@code --server-pid},
 * from /proc) and the whole machine's, so that what other processes used shows as noise. Then
 * it prints one line: {@code result client=... concurrency=... connects_per_s=...
 * client_cpu_us_per_connect=... server_cpu_us_per_connect=... other_cpu_pct=... failures=...}.
 * All traffic goes to {@code 127.0.0.1:--port}.
 *
 * <pre>{@code java ... io.ringbolt.bench.peer.ConnectRateClient --client ringbolt-io_uring --port 19100 \
 *     --concurrency 64 --warmup 3 --duration 3}</pre>
 */
public final class ConnectRateClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Set when the window is over: no new connects, so that the client stops cleanly. */
    private volatile boolean stopping;

    private ConnectRateClient() {
    }

    public static void main(String[] args) throws Exception {
        String client = "ringbolt-io_uring";
        int port = 0;
        int concurrency = 64;
        double warmupS = 3;
        double durationS = 3;
        long serverPid = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--client" -> client = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupS = Double.parseDouble(args[i + 1]);
                case "--duration" -> durationS = Double.parseDouble(args[i + 1]);
                case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --client, --port, --concurrency, --warmup, --duration)");
            }
        }
        if (port <= 0) {
            throw new IllegalArgumentException("--port is required");
        }
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        ConnectRateClient bench = new ConnectRateClient();
        AutoCloseable running = client.startsWith("ringbolt-")
                ? bench.runRingbolt(Backend.parse(client.substring("ringbolt-".length())), target, concurrency)
                : bench.runNetty(NettyTransport.parse(client.substring("netty-".length())), target, concurrency);
        try {
            Thread.sleep((long) (warmupS * 1000));
            long c0 = bench.connects.get();
            long f0 = bench.failures.get();
            long cpu0 = processCpuNs();
            long server0 = ticksNs(processTicks(serverPid));
            long machine0 = ticksNs(machineBusyTicks());
            long t0 = System.nanoTime();
            Thread.sleep((long) (durationS * 1000));
            long c1 = bench.connects.get();
            long f1 = bench.failures.get();
            long cpu1 = processCpuNs();
            long server1 = ticksNs(processTicks(serverPid));
            long machine1 = ticksNs(machineBusyTicks());
            long t1 = System.nanoTime();
            long n = c1 - c0;
            long clientNs = cpu1 - cpu0;
            long serverNs = serverPid > 0 ? server1 - server0 : 0;
            double otherPct = Math.max(0, (machine1 - machine0) - clientNs - serverNs) * 100.0 / (t1 - t0);
            System.out.printf(Locale.ROOT, "result client=%s concurrency=%d connects_per_s=%.1f client_cpu_us_per_connect=%.2f"
                            + " server_cpu_us_per_connect=%.2f client_cpu_pct=%.0f other_cpu_pct=%.0f failures=%d%n",
                    client, concurrency, n * 1e9 / (t1 - t0), n == 0 ? -1.0 : clientNs / 1e3 / n,
                    n == 0 || serverPid <= 0 ? -1.0 : serverNs / 1e3 / n, clientNs * 100.0 / (t1 - t0), otherPct, f1 - f0);
            System.out.flush();
        } finally {
            bench.stopping = true;
            running.close();
        }
    }

    /** utime+stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat), or 0. */
    private static long processTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy ticks of all CPUs (user nice system irq softirq steal), as the harness's machine_busy_ticks. */
    private static long machineBusyTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Clock ticks to nanoseconds (USER_HZ is 100 on Linux). */
    private static long ticksNs(long ticks) {
        return ticks * 10_000_000L;
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // ---- Ringbolt -----------------------------------------------------------------------------

    private AutoCloseable runRingbolt(Backend backend, InetSocketAddress target, int concurrency) {
        Engine engine = Engine.builder().backend(backend).reactors(1).threadNamePrefix("connect-rate")
                .shutdownGrace(Duration.ofSeconds(1)).start();
        // Connected: send one byte; its echo proves the server accepted; then reset, count, and
        // start the next connect from the reactor thread.
        byte[] one = {'x'};
        ConnectionHandler resetAfterEcho = new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.writeAndFlush(one);
            }

            @Override
            public int onData(Connection c, ByteView data) {
                c.abort();
                connects.incrementAndGet();
                if (!stopping) {
                    ringboltConnect(engine, target, this);
                }
                return data.length();
            }

            @Override
            public void onClose(Connection c, io.ringbolt.engine.CloseReason reason) {
                if (reason != io.ringbolt.engine.CloseReason.LOCAL) {
                    failures.incrementAndGet();
                    if (!stopping) {
                        ringboltConnect(engine, target, this);
                    }
                }
            }
        };
        for (int i = 0; i < concurrency; i++) {
            ringboltConnect(engine, target, resetAfterEcho);
        }
        return () -> engine.stop(Duration.ofSeconds(1));
    }

    private void ringboltConnect(Engine engine, InetSocketAddress target, ConnectionHandler handler) {
        engine.connect(target, handler, CONNECT_TIMEOUT).whenComplete((c, e) -> {
            if (e != null && !stopping) {
                failures.incrementAndGet();
                ringboltConnect(engine, target, handler);
            }
        });
    }

    // ---- Netty --------------------------------------------------------------------------------

    private AutoCloseable runNetty(NettyTransport transport, InetSocketAddress target, int concurrency) {
        transport.ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ResetAfterEcho());
        for (int i = 0; i < concurrency; i++) {
            nettyConnect(bootstrap, target);
        }
        return () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void nettyConnect(Bootstrap bootstrap, InetSocketAddress target) {
        ChannelFuture f = bootstrap.connect(target);
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                failures.incrementAndGet();
                if (!stopping) {
                    nettyConnect(bootstrap, target);
                }
                return;
            }
            // The next connect starts when this channel is closed (after the echo, or on an error).
            done.channel().closeFuture().addListener(closed -> {
                if (!stopping) {
                    nettyConnect(bootstrap, target);
                }
            });
        });
    }

    /** Sends one byte when connected; closes (with SO_LINGER 0: a reset) when its echo arrives. */
    @ChannelHandler.Sharable
    final class ResetAfterEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'x'}));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
            if (ctx.channel().isOpen()) {
                connects.incrementAndGet();
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.incrementAndGet();
            ctx.close();
        }
    }
}
