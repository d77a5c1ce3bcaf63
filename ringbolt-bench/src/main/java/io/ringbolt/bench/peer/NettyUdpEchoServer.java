package io.ringbolt.bench.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;

import java.util.concurrent.TimeUnit;

/**
 * Netty's UDP echo, the peer of {@code ringbolt udp-echo}: one {@code DatagramChannel} on one
 * event loop, each {@link DatagramPacket} written back to its sender (the received buffer
 * retained, no copy), one flush per read batch. Status line on stdout once bound.
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyUdpEchoServer --transport epoll --port 19001}
 */
public final class NettyUdpEchoServer {
    private NettyUdpEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        PeerOptions options = PeerOptions.parse(args);
        options.transport().ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), options.transport().ioHandlerFactory());
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(options.transport().datagramChannelClass())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(new EchoHandler())
                    .bind(options.host(), options.port())
                    .sync()
                    .channel();
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
                    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly(), "peer-shutdown"));
            System.out.println("netty udp-echo transport=" + options.transport().displayName() + " listening="
                    + channel.localAddress());
            System.out.flush();
            channel.closeFuture().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket in = (DatagramPacket) msg;
            ctx.write(new DatagramPacket(in.content(), in.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket survives ICMP errors; keep serving.
        }
    }
}
