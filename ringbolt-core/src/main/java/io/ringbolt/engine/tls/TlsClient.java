package io.ringbolt.engine.tls;

import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Reactor;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Client-side TLS settings, and connects that speak TLS: whom to trust, whether to check the
 * server's host name, the protocol versions and ALPN protocols to offer, and optionally a
 * client certificate. Immutable and thread-safe; made by {@link #builder()} (or
 * {@link TlsContext#client()}).
 *
 * <pre>{@code
 * TlsClient tls = TlsClient.builder().applicationProtocols("http/1.1").build(); // the JDK's CAs, host name checked
 * Connection c = tls.connect(engine, InetSocketAddress.createUnresolved("example.com", 443), handler,
 *         Duration.ofSeconds(5)).join();                 // open, handshake done, handler's onOpen run
 * }</pre>
 *
 * <p><b>Server name.</b> The name given to {@code connect} (by default the host string of the
 * address, {@link InetSocketAddress#getHostString()}) is sent as SNI, unless it is an IP
 * literal (RFC 6066 §3), and the server's certificate must be issued for it (the
 * {@code "HTTPS"} endpoint identification of RFC 2818 / RFC 6125: DNS names, wildcards, IP
 * addresses for IP literals). {@link Builder#verifyHostname(boolean) verifyHostname(false)}
 * turns the name check off (the certificate chain is still checked against the trusted CAs).
 *
 * <p><b>The connection.</b> The handler gets {@code onOpen} once the handshake is done, with a
 * {@link SecureConnection} (negotiated ALPN protocol, session); from then on it is the same
 * plaintext {@link Connection} as on the server side: writes are wrapped into records at
 * {@code flush}, back-pressure and pausing pass through, {@code close()} sends
 * {@code close_notify}, a server's {@code close_notify} or EOF arrives as
 * {@code onInputClosed}. A renegotiation the server asks for (TLS 1.2) is refused by closing the
 * connection.
 *
 * <p><b>Client certificates.</b> In TLS 1.3 the client's handshake is done before the server has
 * checked the client's certificate, so a server that refuses it (or its absence) closes a
 * connection whose future already completed: the handler sees {@code onClose} with
 * {@link io.ringbolt.engine.CloseReason#ERROR}, not a failed future.
 */
public final class TlsClient {
    private final SSLContext sslContext;
    private final String[] protocols;
    private final String[] applicationProtocols;
    private final boolean verifyHostname;

    private TlsClient(SSLContext sslContext, String[] protocols, String[] applicationProtocols, boolean verifyHostname) {
        this.sslContext = sslContext;
        this.protocols = protocols;
        this.applicationProtocols = applicationProtocols;
        this.verifyHostname = verifyHostname;
    }

    /** A builder: trust the JDK's CAs, check host names, the JDK's protocol versions, no ALPN. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects to {@code address} on the engine's next reactor and runs the TLS handshake, naming
     * the server by {@code address.getHostString()}; see
     * {@link #connect(Reactor, InetSocketAddress, String, HandlerFactory, Duration)}.
     */
    public CompletableFuture<Connection> connect(Engine engine, InetSocketAddress address, ConnectionHandler handler,
                                                 Duration timeout) {
        Objects.requireNonNull(handler, "handler");
        return connect(engine, address, null, c -> handler, timeout);
    }

    /**
     * As {@link #connect(Reactor, InetSocketAddress, String, HandlerFactory, Duration)}, on the
     * engine's next reactor ({@link Engine#connect(java.net.SocketAddress, HandlerFactory, Duration)}).
     */
    public CompletableFuture<Connection> connect(Engine engine, InetSocketAddress address, String serverName,
                                                 HandlerFactory handlerFactory, Duration timeout) {
        Objects.requireNonNull(engine, "engine");
        return connect(address, serverName, handlerFactory, timeout, f -> engine.connect(address, f, timeout));
    }

    /**
     * Opens a TCP connection owned by {@code reactor} ({@link Reactor#connect}) and runs the TLS
     * handshake on it. The future completes on the reactor thread: with the plaintext
     * connection (a {@link SecureConnection}) once the handshake is done, the handler made by
     * {@code handlerFactory} and its {@code onOpen} returned; or exceptionally, with the TCP
     * connect's exception (as for {@code Engine.connect}), or with an
     * {@link javax.net.ssl.SSLHandshakeException} whose message names the server and the cause
     * ({@code TLS handshake with example.com (/127.0.0.1:8443) failed: No subject alternative DNS
     * name matching example.com found.}; the JDK's exception is its cause), or a
     * {@link java.net.SocketTimeoutException} when the handshake takes longer than
     * {@code timeout}. No handler is created when the handshake fails. Cancelling the future
     * before it completes closes the connection.
     *
     * @param serverName the server's host name for SNI and certificate checking; null for
     *                   {@code address.getHostString()}
     * @param timeout    positive; bounds the TCP connect, and then the handshake again
     * @throws IllegalArgumentException if {@code serverName} is not a valid host name or IP literal
     */
    public CompletableFuture<Connection> connect(Reactor reactor, InetSocketAddress address, String serverName,
                                                 HandlerFactory handlerFactory, Duration timeout) {
        Objects.requireNonNull(reactor, "reactor");
        return connect(address, serverName, handlerFactory, timeout, f -> reactor.connect(address, f, timeout));
    }

    private CompletableFuture<Connection> connect(InetSocketAddress address, String serverName, HandlerFactory handlerFactory,
                                                  Duration timeout,
                                                  Function<HandlerFactory, CompletableFuture<Connection>> tcpConnect) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        Objects.requireNonNull(timeout, "timeout");
        String host = serverName != null ? serverName : address.getHostString();
        SNIHostName sni = sniFor(host);
        ClientHandshake handshake = new ClientHandshake(host, handlerFactory, timeout);
        CompletableFuture<Connection> tcp = tcpConnect.apply(
                raw -> TlsConnection.client(newClientEngine(host, sni, address.getPort()), raw, handshake));
        return handshake.future(tcp);
    }

    /** The SNI name for {@code host}, or null for an IP literal. */
    static SNIHostName sniFor(String host) {
        Objects.requireNonNull(host, "serverName");
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (isIpLiteral(name)) {
            return null;
        }
        try {
            return new SNIHostName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serverName=" + host + " (not a valid host name: " + e.getMessage() + ")", e);
        }
    }

    private static boolean isIpLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress.ofLiteral(bare);
            return true;
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }

    /** A client-mode engine for one connection to {@code host}. */
    SSLEngine newClientEngine(String host, SNIHostName sni, int port) {
        SSLEngine engine = sslContext.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(sni));
        if (verifyHostname) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (protocols != null) {
            p.setProtocols(protocols);
        }
        if (applicationProtocols != null) {
            p.setApplicationProtocols(applicationProtocols);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** The JDK context behind this client. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Whether the server's certificate must match the server name. */
    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** Builds a {@link TlsClient}. Not thread-safe. Setup errors are {@link IllegalArgumentException}s naming the setting. */
    public static final class Builder {
        private KeyStore trust;
        private int trustedCount;
        private KeyManager[] keyManagers;
        private SSLContext sslContext;
        private String[] protocols;
        private String[] applicationProtocols;
        private boolean verifyHostname = true;

        private Builder() {
        }

        /**
         * Trusts the CA certificates of a PEM bundle (one or more {@code BEGIN CERTIFICATE}
         * blocks), e.g. a private CA, a self-signed server certificate, or the system bundle
         * {@code /etc/ssl/certs/ca-certificates.crt}. May be called again to add more. Once any
         * trust source is given, the JDK's own CAs are no longer trusted.
         *
         * @throws IllegalArgumentException naming {@code tls-trust} if the file is missing or holds no certificate
         */
        public Builder trustPem(Path caBundle) {
            for (Certificate ca : PemFiles.readCertificates("tls-trust", caBundle)) {
                addTrusted(ca);
            }
            return this;
        }

        /**
         * Trusts every certificate of a PKCS#12 or JKS trust store. {@code password} may be null
         * for a store without integrity protection.
         *
         * @throws IllegalArgumentException naming {@code tls-truststore} if it cannot be read or holds no certificate
         */
        public Builder trustStore(Path store, char[] password) {
            if (!Files.isReadable(store)) {
                throw new IllegalArgumentException("tls-truststore=" + store + " (no such readable file)");
            }
            int before = trustedCount;
            try {
                KeyStore ks = KeyStore.getInstance(store.toFile(), password);
                for (var aliases = ks.aliases(); aliases.hasMoreElements(); ) {
                    Certificate c = ks.getCertificate(aliases.nextElement());
                    if (c != null) {
                        addTrusted(c);
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("tls-truststore=" + store + " (cannot be read: " + e.getMessage() + ")", e);
            }
            if (trustedCount == before) {
                throw new IllegalArgumentException("tls-truststore=" + store + " (holds no certificate)");
            }
            return this;
        }

        private void addTrusted(Certificate ca) {
            try {
                if (trust == null) {
                    trust = KeyStore.getInstance("PKCS12");
                    trust.load(null, null);
                }
                trust.setCertificateEntry("ca-" + trustedCount++, ca);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("an in-memory trust store failed: " + e.getMessage(), e);
            }
        }

        /**
         * Presents a client certificate (mutual TLS) when the server asks for one: a PEM chain,
         * the client's certificate first, and its unencrypted PKCS#8 PEM key.
         *
         * @throws IllegalArgumentException naming {@code tls-client-cert} or {@code tls-client-key}
         */
        public Builder clientCertificate(Path certificateChain, Path privateKey) {
            Certificate[] chain = PemFiles.readCertificates("tls-client-cert", certificateChain);
            PrivateKey key = PemFiles.readPrivateKey("tls-client-key", privateKey);
            PemFiles.checkKeyMatches(key, chain[0], privateKey, certificateChain);
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] password = new char[0];
                store.setKeyEntry("client", key, password, chain);
                return keys(store, password);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("tls-client-key=" + privateKey + " (cannot be used with tls-client-cert="
                        + certificateChain + ": " + e.getMessage() + ")", e);
            }
        }

        /**
         * Presents the key entry of a PKCS#12 or JKS key store as the client certificate.
         *
         * @throws IllegalArgumentException naming {@code tls-client-keystore} if it cannot be read
         */
        public Builder clientKeyStore(Path keyStore, char[] password) {
            if (!Files.isReadable(keyStore)) {
                throw new IllegalArgumentException("tls-client-keystore=" + keyStore + " (no such readable file)");
            }
            try {
                return keys(KeyStore.getInstance(keyStore.toFile(), password), password);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("tls-client-keystore=" + keyStore + " (cannot be read: " + e.getMessage() + ")", e);
            }
        }

        private Builder keys(KeyStore store, char[] password) throws GeneralSecurityException {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            keyManagers = kmf.getKeyManagers();
            return this;
        }

        /**
         * Uses an {@link SSLContext} the caller set up (trust managers, key managers); the trust
         * and client-certificate settings of this builder are then ignored.
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Restricts the protocol versions offered, e.g. {@code "TLSv1.3"}. */
        public Builder protocols(String... versions) {
            this.protocols = versions.clone();
            return this;
        }

        /** ALPN protocols to offer, in preference order, e.g. {@code "h2", "http/1.1"}. */
        public Builder applicationProtocols(String... names) {
            this.applicationProtocols = names.clone();
            return this;
        }

        /**
         * Whether the server's certificate must be issued for the server name (default true).
         * {@code false} accepts any certificate the trusted CAs signed, for whatever name: for
         * tests, or servers reached by an address their certificate does not name. It does not
         * turn off the chain check.
         */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalArgumentException naming {@code tls-protocols} for a version the JDK does not support
         */
        public TlsClient build() {
            SSLContext ctx = sslContext;
            if (ctx == null) {
                try {
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trust); // null: the JDK's default CAs (lib/security/cacerts)
                    ctx = SSLContext.getInstance("TLS");
                    ctx.init(keyManagers, tmf.getTrustManagers(), null);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the JDK's TLS context cannot be set up: " + e.getMessage(), e);
                }
            }
            if (protocols != null) {
                List<String> supported = Arrays.asList(ctx.getSupportedSSLParameters().getProtocols());
                for (String v : protocols) {
                    if (!supported.contains(v)) {
                        throw new IllegalArgumentException("tls-protocols=" + v + " (supported: " + String.join(", ", supported) + ")");
                    }
                }
            }
            return new TlsClient(ctx, protocols, applicationProtocols, verifyHostname);
        }
    }
}
