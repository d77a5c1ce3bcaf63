package io.ringbolt.server;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.HandlerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The event-driven TCP proxy behind {@code ringbolt proxy}: for each accepted connection it
 * connects to the upstream on the same reactor ({@code connection.reactor().connect}), so both
 * ends of a pair live on one thread and bytes pass between them without locks or copies beyond
 * the one into the other side's output buffer.
 *
 * <ul>
 *   <li><b>Back-pressure</b>: when one side's pending output crosses the high water mark, the
 *       other side stops reading until it falls below the low mark, so the proxy holds at most
 *       about the high water mark (plus one receive) per direction per pair.</li>
 *   <li><b>Half-close</b>: a side's EOF becomes {@link Connection#shutdownOutput()} on the other
 *       (FIN after the relayed bytes); the pair closes once both directions ended.</li>
 *   <li><b>Failures</b>: an upstream that refuses, is unreachable or does not answer within the
 *       connect timeout closes the client at once; a reset or error on either side aborts the
 *       other.</li>
 * </ul>
 *
 * Reactor thread only, like every handler.
 */
public final class TcpProxy implements HandlerFactory {
    private final InetSocketAddress upstream;
    private final Duration connectTimeout;

    /** A proxy to {@code upstream}; a connect that takes longer than {@code connectTimeout} fails. */
    public TcpProxy(InetSocketAddress upstream, Duration connectTimeout) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    @Override
    public ConnectionHandler newHandler(Connection client) {
        return new ClientSide();
    }

    /** Where the client side of a pair is. */
    private enum Phase {
        /** The upstream connect is in flight; the client's reading is paused. */
        CONNECTING,
        /** As CONNECTING, and the client's EOF already arrived: the upstream gets FIN once connected. */
        CONNECTING_INPUT_ENDED,
        /** Both sides open; bytes flow. */
        RELAYING,
        /** The client side closed. */
        CLOSED
    }

    /** Relays what one side receives to the other side's output. */
    private abstract static class Side implements ConnectionHandler {
        Connection self;
        Side peer;

        @Override
        public void onOpen(Connection connection) {
            self = connection;
        }

        @Override
        public int onData(Connection connection, ByteView data) {
            if (peer == null) {
                return 0; // not linked yet (reading is paused until it is): kept for later
            }
            int length = data.length();
            if (!peer.self.write(data, 0, length)) {
                connection.abort(); // the other side is gone: nowhere to put these bytes
                return length;
            }
            peer.self.flush();
            return length;
        }

        /** The other side's output drives this side's reading, and the reverse. */
        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (peer != null) {
                peer.self.setReadEnabled(writable);
            }
        }

        @Override
        public void onInputClosed(Connection connection) {
            if (peer != null) {
                peer.self.shutdownOutput(); // FIN after what was relayed; the other direction goes on
            }
        }

        /** This side is gone: the other follows, gracefully after a clean end, at once after a failure. */
        void closePeer(CloseReason reason) {
            if (peer == null) {
                return;
            }
            Connection other = peer.self;
            if (reason == CloseReason.PEER_CLOSED || reason == CloseReason.LOCAL || reason == CloseReason.SHUTDOWN) {
                other.close();
            } else {
                other.abort();
            }
        }
    }

    private final class ClientSide extends Side {
        private Phase phase = Phase.CONNECTING;
        private CompletableFuture<Connection> connecting;

        @Override
        public void onOpen(Connection client) {
            super.onOpen(client);
            client.setReadEnabled(false); // until the upstream is there to take the bytes
            connecting = client.reactor().connect(upstream, up -> new UpstreamSide(this), connectTimeout);
            connecting.whenComplete((up, failure) -> {
                if (failure != null) {
                    client.close(); // refused, unreachable, timed out or cancelled: the client goes at once
                }
            });
        }

        /** The upstream is connected (its onOpen, on this reactor). */
        void linked(UpstreamSide up) {
            if (phase == Phase.CLOSED) {
                up.self.close();
                return;
            }
            boolean inputEnded = phase == Phase.CONNECTING_INPUT_ENDED;
            phase = Phase.RELAYING;
            peer = up;
            up.peer = this;
            if (inputEnded) {
                up.self.shutdownOutput();
            }
            self.setReadEnabled(up.self.isWritable());
            up.self.setReadEnabled(self.isWritable());
        }

        @Override
        public void onInputClosed(Connection connection) {
            if (phase == Phase.CONNECTING) {
                phase = Phase.CONNECTING_INPUT_ENDED;
            } else {
                super.onInputClosed(connection);
            }
        }

        @Override
        public void onClose(Connection connection, CloseReason reason) {
            phase = Phase.CLOSED;
            if (peer == null && connecting != null) {
                connecting.cancel(false); // the engine closes the socket of a connect given up on
            }
            closePeer(reason);
        }
    }

    private static final class UpstreamSide extends Side {
        private final ClientSide client;

        UpstreamSide(ClientSide client) {
            this.client = client;
        }

        @Override
        public void onOpen(Connection upstream) {
            super.onOpen(upstream);
            client.linked(this);
        }

        @Override
        public void onClose(Connection connection, CloseReason reason) {
            closePeer(reason);
        }
    }
}
