package io.ringbolt.bench.peer;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.File;
import javax.net.ssl.SSLException;

/**
 * Netty HTTP/1.1 peer with the endpoints the harness loads on Ringbolt's {@code serve}:
 * {@code /plaintext}, {@code /json}, {@code /baseline11} and {@code /pipeline}, written the way
 * TechEmpower's tuned Netty entry is (codec plus one handler, no aggregator, flush once per
 * read batch so pipelined responses leave in one write).
 *
 * <p>With {@code --tls-cert/--tls-key} it serves HTTPS through Netty's {@code SslHandler} on the
 * JDK's TLS provider, the same {@code SSLEngine} Ringbolt uses, with ALPN {@code http/1.1}.
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyHttpServer --transport io_uring --port 18081}
 */
public final class NettyHttpServer {
    private NettyHttpServer() {
    }

    public static void main(String[] args) throws InterruptedException, SSLException {
        PeerOptions options = PeerOptions.parse(args);
        SslContext tls = options.tlsCert() == null ? null
                : SslContextBuilder.forServer(new File(options.tlsCert()), new File(options.tlsKey()))
                        .sslProvider(SslProvider.JDK)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "http/1.1"))
                        .build();
        NettyPeer.run(tls == null ? "http" : "https", options, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192), new BenchHttpHandler());
            }
        });
    }
}
