package io.ringbolt.bench.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One instance per connection (it keeps the state of a POST whose body is still arriving).
 * Responses carry Server, Date, Content-Type and Content-Length, like the other servers in the
 * comparison.
 */
final class BenchHttpHandler extends ChannelInboundHandlerAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Header validation off: every header here is a constant known to be valid. */
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final DefaultHttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final AsciiString SERVER = AsciiString.cached("netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(CharsetUtil.US_ASCII))).asReadOnly();
    private static final ByteBuf OK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("ok".getBytes(CharsetUtil.US_ASCII))).asReadOnly();

    /** Serialised by Jackson on every request, as TechEmpower's /json requires. */
    public record Message(String message) {
    }

    private static volatile DateHeader date = DateHeader.now();

    private record DateHeader(long epochSecond, AsciiString value) {
        static DateHeader now() {
            long s = System.currentTimeMillis() / 1000;
            String text = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(s), ZoneOffset.UTC));
            return new DateHeader(s, AsciiString.cached(text));
        }
    }

    private boolean readingPostBody;
    private boolean postKeepAlive;
    private long postSum;
    private long postBody;
    private boolean postBodyValid = true;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            if (msg instanceof HttpContent content && readingPostBody) {
                onBody(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, false, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN, Unpooled.EMPTY_BUFFER);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        switch (path) {
            case "/plaintext" -> respond(ctx, keepAlive, HttpResponseStatus.OK, TEXT_PLAIN, HELLO.duplicate());
            case "/pipeline" -> respond(ctx, keepAlive, HttpResponseStatus.OK, TEXT_PLAIN, OK.duplicate());
            case "/json" -> respond(ctx, keepAlive, HttpResponseStatus.OK, APPLICATION_JSON, json());
            case "/baseline11" -> onBaseline(ctx, request, keepAlive, q < 0 ? "" : uri.substring(q + 1));
            default -> respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT_PLAIN, Unpooled.EMPTY_BUFFER);
        }
    }

    /** GET: a + b. POST: a + b + the integer body. Missing parameters count as 0. */
    private void onBaseline(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, String query) {
        long sum;
        try {
            sum = queryInt(query, "a") + queryInt(query, "b");
        } catch (NumberFormatException e) {
            respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN, Unpooled.EMPTY_BUFFER);
            return;
        }
        if (HttpMethod.POST.equals(request.method())) {
            readingPostBody = true;
            postKeepAlive = keepAlive;
            postSum = sum;
            postBody = 0;
            postBodyValid = true;
        } else {
            respond(ctx, keepAlive, HttpResponseStatus.OK, TEXT_PLAIN, ascii(Long.toString(sum)));
        }
    }

    private void onBody(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf b = content.content();
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            int d = b.getByte(i) - '0';
            if (d >= 0 && d <= 9) {
                postBody = postBody * 10 + d;
            } else if (!Character.isWhitespace(b.getByte(i))) {
                postBodyValid = false;
            }
        }
        if (content instanceof LastHttpContent) {
            readingPostBody = false;
            if (postBodyValid) {
                respond(ctx, postKeepAlive, HttpResponseStatus.OK, TEXT_PLAIN, ascii(Long.toString(postSum + postBody)));
            } else {
                respond(ctx, postKeepAlive, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN, Unpooled.EMPTY_BUFFER);
            }
        }
    }

    private static long queryInt(String query, String name) {
        int from = 0;
        while (from < query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', from);
            if (eq > from && eq < end && query.regionMatches(from, name, 0, name.length()) && eq - from == name.length()) {
                return Long.parseLong(query, eq + 1, end, 10);
            }
            from = end + 1;
        }
        return 0;
    }

    private static ByteBuf json() {
        try {
            return Unpooled.wrappedBuffer(JSON.writeValueAsBytes(new Message("Hello, World!")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(CharsetUtil.US_ASCII));
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                AsciiString contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, HEADERS, TRAILERS);
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.SERVER, SERVER);
        h.set(HttpHeaderNames.DATE, currentDate());
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (keepAlive) {
            ctx.write(response, ctx.voidPromise());
        } else {
            h.set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static AsciiString currentDate() {
        DateHeader d = date;
        if (System.currentTimeMillis() / 1000 != d.epochSecond()) {
            d = DateHeader.now();
            date = d;
        }
        return d.value();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
