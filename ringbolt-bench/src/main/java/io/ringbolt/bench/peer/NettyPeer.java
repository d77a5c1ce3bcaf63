package io.ringbolt.bench.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * Starts a Netty server the way the harness compares it with Ringbolt: one event loop group of
 * {@code threads} loops (1 by default, so the server is pinned to one core like
 * {@code ringbolt --reactors 1}) serving both accept and I/O, TCP_NODELAY, and a status line on
 * stdout once the socket is bound. Blocks until the JVM is asked to stop (SIGTERM/SIGINT).
 */
final class NettyPeer {
    private NettyPeer() {
    }

    static void run(String kind, PeerOptions options, ChannelHandler childHandler) throws InterruptedException {
        options.transport().ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), options.transport().ioHandlerFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(options.transport().serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childHandler)
                    .bind(options.host(), options.port())
                    .sync()
                    .channel();
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
                    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly(), "peer-shutdown"));
            System.out.println("netty " + kind + " transport=" + options.transport().displayName()
                    + " threads=" + options.threads() + " listening=" + server.localAddress()
                    + " netty=" + io.netty.util.Version.identify().getOrDefault("netty-transport",
                    null).artifactVersion());
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
