package io.ringbolt.bench.peer;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Netty's canonical echo server: write every received buffer back, flush once per read batch
 * (the same one-send-per-loop-iteration policy as Ringbolt's echo).
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyEchoServer --transport epoll --port 19001}
 */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        NettyPeer.run("echo", PeerOptions.parse(args), new EchoHandler());
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // Same back-pressure as Ringbolt's EchoHandler: stop reading while the peer does not read.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
