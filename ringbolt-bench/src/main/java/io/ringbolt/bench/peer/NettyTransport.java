package io.ringbolt.bench.peer;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.util.Locale;

/**
 * The three Netty 4.2 transports the harness compares against: each is an {@link IoHandlerFactory}
 * for a {@code MultiThreadIoEventLoopGroup} plus the matching server and client channel classes.
 */
enum NettyTransport {
    NIO, EPOLL, IO_URING;

    /** Parses {@code nio}, {@code epoll} or {@code io_uring}. */
    static NettyTransport parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "nio" -> NIO;
            case "epoll" -> EPOLL;
            case "io_uring", "iouring", "uring" -> IO_URING;
            default -> throw new IllegalArgumentException("transport=" + text + " (expected nio, epoll or io_uring)");
        };
    }

    /** The name used on the command line and in result tables. */
    String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Fails with the native transport's own reason when it cannot load here (missing
     * classifier jar, kernel too old, io_uring disabled by sysctl or seccomp).
     */
    void ensureAvailable() {
        Throwable cause = switch (this) {
            case NIO -> null;
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        };
        if (cause != null) {
            throw new IllegalStateException("netty transport=" + displayName() + " unavailable: " + cause, cause);
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
    }

    /** The client channel class, for {@code Bootstrap} (the connect-rate client). */
    Class<? extends SocketChannel> socketChannelClass() {
        return switch (this) {
            case NIO -> NioSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
        };
    }

    /** The UDP channel class, for the UDP echo peer. */
    Class<? extends DatagramChannel> datagramChannelClass() {
        return switch (this) {
            case NIO -> NioDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
        };
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case NIO -> NioServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
        };
    }
}
