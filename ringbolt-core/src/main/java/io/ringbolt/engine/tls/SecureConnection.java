package io.ringbolt.engine.tls;

import io.ringbolt.engine.Connection;

import javax.net.ssl.SSLSession;

/**
 * The plaintext side of a TLS connection, as its handler sees it: on the server side
 * ({@link TlsContext#wrap}) and on the client side ({@link TlsClient#connect}) alike, the
 * {@link Connection} a handler is given is one of these, so it can ask what the handshake
 * settled:
 * <pre>{@code
 * if (connection instanceof SecureConnection tls && "h2".equals(tls.applicationProtocol())) { ... }
 * }</pre>
 *
 * <p>Values are those of the completed handshake. A client's handler is opened only after the
 * handshake; a server's handler is opened before it (so that it may write a greeting, sent
 * once the handshake is done), and sees {@code null}s until its first {@code onData}.
 * Any thread; exact on the reactor thread.
 */
public sealed interface SecureConnection extends Connection permits TlsConnection {

    /**
     * The ALPN protocol the handshake chose (e.g. {@code "http/1.1"}), or null when none was
     * negotiated (no ALPN offered, or the server chose none) or the handshake is not done.
     */
    String applicationProtocol();

    /**
     * The SNI host name: on a client connection, the one sent to the server (null for an IP
     * literal, for which RFC 6066 forbids SNI); on a server connection, the one the client sent,
     * or null if it sent none or the handshake is not done.
     */
    String serverName();

    /** The JDK's session: protocol version, cipher suite, peer certificates. */
    SSLSession session();
}
