package io.ringbolt.server;

import io.ringbolt.http.websocket.CloseCodes;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketHandler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The demo's chat room ({@code /chat}): every text message goes to every connected peer, the
 * sender included. Peers live on several reactors; a send to a peer on another reactor is
 * queued to that reactor by {@link WebSocket}. A peer that does not read falls behind until its
 * send is refused, and is then closed with 1008 rather than let its backlog grow. One room per
 * process; with a relay ({@link #relayTo}, {@code serve --chat-redis}) every message also goes
 * to the rooms of other processes, and theirs come in through {@link #broadcast}.
 */
final class ChatRoom {
    /** Longest chat message accepted; longer ones fail the connection with 1009. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final Set<WebSocket> peers = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> relay;

    /** Also hands every message a local peer sends to {@code out} (which must not block). */
    void relayTo(Consumer<String> out) {
        this.relay = out;
    }

    /** A handler for one new peer. */
    WebSocketHandler join() {
        return new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                peers.add(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                broadcast(text);
                Consumer<String> out = relay;
                if (out != null) {
                    out.accept(text);
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                peers.remove(ws);
            }
        };
    }

    /** Sends {@code text} to every local peer. Any thread. */
    void broadcast(String text) {
        for (WebSocket peer : peers) {
            if (!peer.sendText(text) && peer.isOpen()) {
                peer.close(CloseCodes.POLICY_VIOLATION, "too slow");
            }
        }
    }

    /** Peers connected now. */
    int size() {
        return peers.size();
    }
}
