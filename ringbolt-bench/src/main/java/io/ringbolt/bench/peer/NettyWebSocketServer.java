package io.ringbolt.bench.peer;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Netty WebSocket peer for the harness's {@code ws} profile, the same two endpoints as
 * Ringbolt's demo app: {@code /ws} echoes every text and binary message (HttpArena's echo-ws),
 * {@code /chat} sends every text message to every connected peer, the sender included.
 *
 * <p>Netty's documented shape, at its best: {@code HttpServerCodec} + {@code HttpObjectAggregator}
 * + {@code WebSocketServerProtocolHandler} (which answers the handshake, pings and closes, and
 * takes the HTTP handlers out after the upgrade). The echo hands the received frame straight to
 * {@code write} (no copy, no new frame) and flushes once per read batch, so 16 pipelined echoes
 * leave in one write; the chat writes through a {@link ChannelGroup} with a void promise (one
 * retained duplicate of the same buffer per channel, no future per channel).
 *
 * <p>{@code java ... io.ringbolt.bench.peer.NettyWebSocketServer --transport epoll --port 19200}
 */
public final class NettyWebSocketServer {
    private NettyWebSocketServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        PeerOptions options = PeerOptions.parse(args);
        ChannelGroup room = new DefaultChannelGroup("chat", GlobalEventExecutor.INSTANCE);
        EchoHandler echo = new EchoHandler();
        ChatHandler chat = new ChatHandler(room);
        NettyPeer.run("websocket", options, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(65536),
                        new Router(echo, chat));
            }
        });
    }

    /**
     * Picks the endpoint from the upgrade request's path, puts its protocol handler and message
     * handler in the pipeline, and leaves; anything else is answered 404.
     */
    static final class Router extends ChannelInboundHandlerAdapter {
        private final EchoHandler echo;
        private final ChatHandler chat;

        Router(EchoHandler echo, ChatHandler chat) {
            this.echo = echo;
            this.chat = chat;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest request)) {
                ctx.fireChannelRead(msg);
                return;
            }
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            ChannelPipeline p = ctx.pipeline();
            switch (path) {
                case "/ws" -> p.addAfter(ctx.name(), "ws", new WebSocketServerProtocolHandler("/ws")).addAfter("ws", "echo", echo);
                case "/chat" -> p.addAfter(ctx.name(), "ws", new WebSocketServerProtocolHandler("/chat")).addAfter("ws", "chat", chat);
                default -> {
                    request.release();
                    DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(request.protocolVersion(),
                            HttpResponseStatus.NOT_FOUND);
                    notFound.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(notFound);
                    return;
                }
            }
            p.remove(this);
            ctx.fireChannelRead(request);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes every data frame back as it came in; one flush per read batch. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // Back-pressure: stop reading while the peer does not read its echoes.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Joins the room once the handshake completed; every text message goes to the whole room. */
    @ChannelHandler.Sharable
    static final class ChatHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup room;

        ChatHandler(ChannelGroup room) {
            this.room = room;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                room.add(ctx.channel());   // leaves the group by itself when the channel closes
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame frame) {
                // The group writes a retained duplicate to every channel and releases the frame.
                room.writeAndFlush(frame, ChannelMatchers.all(), true);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
