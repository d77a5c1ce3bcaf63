package io.ringbolt.bench.peer;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Netty HTTP/1.1 peer with the endpoints the harness loads on Ringbolt's {@code serve}:
 * {@code /plaintext}, {@code /json}, {@code /baseline11} and {@code /pipeline}, written the way
 * TechEmpower's tuned Netty entry is (codec plus one handler, no aggregator, flush once per
 * read batch so pipelined responses leave in one write).
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyHttpServer --transport io_uring --port 18081}
 */
public final class NettyHttpServer {
    private NettyHttpServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        NettyPeer.run("http", PeerOptions.parse(args), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192), new BenchHttpHandler());
            }
        });
    }
}
