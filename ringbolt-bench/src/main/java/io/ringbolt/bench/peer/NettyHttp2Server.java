package io.ringbolt.bench.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Netty HTTP/2 peer (h2c by prior knowledge), written the way Netty's own examples serve
 * HTTP/2: {@code Http2FrameCodec} plus {@code Http2MultiplexHandler}, one child channel per
 * stream. {@code /plaintext} answers "Hello, World!" with Server, Date, Content-Type and
 * Content-Length, like the other servers.
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyHttp2Server --transport epoll --port 18082}
 */
public final class NettyHttp2Server {
    private static final byte[] HELLO = "Hello, World!".getBytes(CharsetUtil.US_ASCII);
    private static final AsciiString SERVER = AsciiString.cached("netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(HELLO.length));
    private static volatile long dateSecond;
    private static volatile AsciiString date = AsciiString.cached("");

    private NettyHttp2Server() {
    }

    public static void main(String[] args) throws InterruptedException {
        PeerOptions options = PeerOptions.parse(args);
        NettyPeer.run("h2c", options, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(
                        Http2FrameCodecBuilder.forServer()
                                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                                .build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(StreamHandler.INSTANCE);
                            }
                        }));
            }
        });
    }

    private static AsciiString date() {
        long now = System.currentTimeMillis() / 1000;
        if (now != dateSecond) {
            date = AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            dateSecond = now;
        }
        return date;
    }

    /** Answers when the request ends (HEADERS or DATA with END_STREAM); stateless, so shared. */
    @ChannelHandler.Sharable
    static final class StreamHandler extends ChannelInboundHandlerAdapter {
        static final StreamHandler INSTANCE = new StreamHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = (msg instanceof Http2HeadersFrame h && h.isEndStream())
                        || (msg instanceof Http2DataFrame d && d.isEndStream());
                if (end) {
                    Http2Headers headers = new DefaultHttp2Headers(false)
                            .status("200").set("server", SERVER).set("date", date())
                            .set("content-type", TEXT_PLAIN).set("content-length", HELLO_LENGTH);
                    ctx.write(new DefaultHttp2HeadersFrame(headers, false));
                    ByteBuf body = Unpooled.wrappedBuffer(HELLO);
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
