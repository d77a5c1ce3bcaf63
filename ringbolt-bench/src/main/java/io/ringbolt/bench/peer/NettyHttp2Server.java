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
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Netty HTTP/2 peer, written the way Netty's own multiplex example serves HTTP/2
 * ({@code example/.../http2/helloworld/multiplex/server}): {@code Http2FrameCodec} plus
 * {@code Http2MultiplexHandler}, one child channel per stream, responses written without a flush
 * and flushed once per read batch in {@code channelReadComplete}. Bodies are unreleasable direct
 * buffers, so no per-response copy into direct memory.
 *
 * <ul>
 *   <li>cleartext (h2c by prior knowledge) by default;</li>
 *   <li>{@code --tls-cert/--tls-key}: TLS on the JDK's provider (the same {@code SSLEngine}
 *       Ringbolt uses) with ALPN {@code h2} only and Netty's HTTP/2 cipher list;</li>
 *   <li>{@code --static-dir DIR}: {@code /static/<name>} serves the regular files of DIR, read
 *       into memory at start-up (Content-Type by extension).</li>
 * </ul>
 * {@code /plaintext} answers "Hello, World!" with Server, Date, Content-Type and Content-Length,
 * like the other servers.
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyHttp2Server --transport epoll --port 18082}
 */
public final class NettyHttp2Server {
    private static final ByteBuf HELLO = constant("Hello, World!".getBytes(CharsetUtil.US_ASCII));
    private static final AsciiString SERVER = AsciiString.cached("netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(HELLO.readableBytes()));
    private static final AsciiString STATUS_OK = AsciiString.cached("200");
    private static final AsciiString STATUS_NOT_FOUND = AsciiString.cached("404");
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static volatile long dateSecond;
    private static volatile AsciiString date = AsciiString.cached("");

    private NettyHttp2Server() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        PeerOptions options = PeerOptions.parse(args);
        Map<String, StaticFile> files = options.staticDir() == null ? Map.of() : load(Path.of(options.staticDir()));
        SslContext tls = options.tlsCert() == null ? null
                : SslContextBuilder.forServer(new File(options.tlsCert()), new File(options.tlsKey()))
                        .sslProvider(SslProvider.JDK)
                        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2))
                        .build();
        StreamHandler handler = new StreamHandler(files);
        NettyPeer.run(tls == null ? "h2c" : "h2", options, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(
                        Http2FrameCodecBuilder.forServer()
                                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                                .build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(handler);
                            }
                        }));
            }
        });
    }

    private static ByteBuf constant(byte[] bytes) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
    }

    private static Map<String, StaticFile> load(Path dir) throws IOException {
        Map<String, StaticFile> files = new HashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (Files.isRegularFile(p)) {
                    byte[] bytes = Files.readAllBytes(p);
                    String name = p.getFileName().toString();
                    files.put("/static/" + name, new StaticFile(constant(bytes), AsciiString.cached(contentType(name)),
                            AsciiString.cached(Integer.toString(bytes.length))));
                }
            }
        }
        return files;
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "webp" -> "image/webp";
            case "woff2" -> "font/woff2";
            default -> "application/octet-stream";
        };
    }

    private static AsciiString date() {
        long now = System.currentTimeMillis() / 1000;
        if (now != dateSecond) {
            date = AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            dateSecond = now;
        }
        return date;
    }

    private record StaticFile(ByteBuf body, AsciiString contentType, AsciiString contentLength) {
    }

    /**
     * Answers when the request ends (HEADERS or DATA with END_STREAM); the writes are flushed
     * when the read batch completes, as in Netty's example. Stateless, so shared.
     */
    @ChannelHandler.Sharable
    static final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final Map<String, StaticFile> files;

        StreamHandler(Map<String, StaticFile> files) {
            this.files = files;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (h.isEndStream()) {
                        respond(ctx, h.headers().path());
                    } else {
                        ctx.channel().attr(PATH).set(h.headers().path()); // a request with a body
                    }
                } else if (msg instanceof Http2DataFrame d && d.isEndStream()) {
                    respond(ctx, ctx.channel().attr(PATH).get());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, CharSequence path) {
            Http2Headers headers = new DefaultHttp2Headers(false).set("server", SERVER).set("date", date());
            ByteBuf body;
            if (path != null && AsciiString.contentEquals(path, "/plaintext")) {
                headers.status(STATUS_OK).set("content-type", TEXT_PLAIN).set("content-length", HELLO_LENGTH);
                body = HELLO.duplicate();
            } else {
                StaticFile file = path == null ? null : files.get(path.toString());
                if (file == null) {
                    ctx.write(new DefaultHttp2HeadersFrame(headers.status(STATUS_NOT_FOUND).set("content-length", ZERO), true));
                    return;
                }
                headers.status(STATUS_OK).set("content-type", file.contentType()).set("content-length", file.contentLength());
                body = file.body().duplicate();
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers, false));
            ctx.write(new DefaultHttp2DataFrame(body, true));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    private static final io.netty.util.AttributeKey<CharSequence> PATH = io.netty.util.AttributeKey.valueOf("h2-path");
}
