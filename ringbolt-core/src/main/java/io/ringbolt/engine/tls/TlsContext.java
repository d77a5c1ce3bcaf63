package io.ringbolt.engine.tls;

import io.ringbolt.engine.HandlerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Objects;

/**
 * Server-side TLS settings: the JDK's {@link SSLContext} with the server's key and certificate
 * chain, the protocol versions and the ALPN protocols to offer. Immutable; {@code with…}
 * methods return a copy. {@link #wrap(HandlerFactory)} puts TLS in front of any handler. For
 * the client side see {@link #client()}. The handlers see a {@link SecureConnection}: the
 * negotiated ALPN protocol, the SNI name the client sent, the session.
 *
 * <p>Setup errors are {@link IllegalArgumentException}s whose message names the setting
 * ({@code tls-cert=…}, {@code tls-key=…}, {@code tls-keystore=…}) and says what is wrong.
 *
 * <p>Client-initiated renegotiation (TLS 1.2 and older) is refused: the connection is closed,
 * as nginx does, because each renegotiation is a full handshake's work on the reactor thread.
 * Loading this class sets the JDK's {@code jdk.tls.rejectClientInitiatedRenegotiation} system
 * property to {@code true} unless it is already set, so that the JDK refuses with a fatal
 * {@code handshake_failure} alert; that affects every TLS server in the JVM (server-initiated
 * renegotiation is untouched). The JDK reads the property once, when its server handshake
 * classes load, so the connection refuses by itself whatever the JDK lets through; set the
 * property to {@code false} to keep the JDK out of it (the refusal then comes with a
 * {@code close_notify}).
 */
public final class TlsContext {
    /** The JDK's switch for refusing client-initiated renegotiation in its server handshake. */
    static final String REJECT_RENEGOTIATION_PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        // Before any server engine of ours handshakes; a value the user chose is kept.
        if (System.getProperty(REJECT_RENEGOTIATION_PROPERTY) == null) {
            System.setProperty(REJECT_RENEGOTIATION_PROPERTY, "true");
        }
    }

    private final SSLContext sslContext;
    private final String[] protocols;
    private final String[] applicationProtocols;

    private TlsContext(SSLContext sslContext, String[] protocols, String[] applicationProtocols) {
        this.sslContext = sslContext;
        this.protocols = protocols;
        this.applicationProtocols = applicationProtocols;
    }

    /**
     * Starts the settings of a TLS client ({@link TlsClient}): trust, host-name checking, ALPN,
     * a client certificate. This class is the server side.
     */
    public static TlsClient.Builder client() {
        return TlsClient.builder();
    }

    /** Uses an {@link SSLContext} the caller set up (key managers, trust for client auth …). */
    public static TlsContext of(SSLContext sslContext) {
        return new TlsContext(Objects.requireNonNull(sslContext, "sslContext"), null, null);
    }

    /**
     * Loads a PEM certificate chain (the server's certificate first) and its PEM private key
     * (PKCS#8, {@code BEGIN PRIVATE KEY}: RSA, EC or EdDSA; unencrypted).
     *
     * @throws IllegalArgumentException naming {@code tls-cert} or {@code tls-key} when a file is
     *     missing, unreadable, not PEM, or the key does not match the certificate
     */
    public static TlsContext fromPem(Path certificateChain, Path privateKey) {
        Certificate[] chain = PemFiles.readCertificates("tls-cert", certificateChain);
        PrivateKey key = PemFiles.readPrivateKey("tls-key", privateKey);
        PemFiles.checkKeyMatches(key, chain[0], privateKey, certificateChain);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", key, password, chain);
            return fromKeys(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls-key=" + privateKey + " (cannot be used with tls-cert=" + certificateChain
                    + ": " + e.getMessage() + ")", e);
        }
    }

    /**
     * Loads a key store (PKCS#12 or JKS) holding the server's key entry.
     *
     * @throws IllegalArgumentException naming {@code tls-keystore} when it cannot be read, the
     *     password is wrong, or it holds no private key
     */
    public static TlsContext fromKeyStore(Path keyStore, char[] password) {
        if (!Files.isReadable(keyStore)) {
            throw new IllegalArgumentException("tls-keystore=" + keyStore + " (no such readable file)");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(keyStore.toFile(), password);
        } catch (IOException e) {
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException
                    ? "wrong password" : e.getMessage();
            throw new IllegalArgumentException("tls-keystore=" + keyStore + " (cannot be read: " + why + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls-keystore=" + keyStore + " (not a PKCS#12 or JKS key store: " + e.getMessage() + ")", e);
        }
        try {
            boolean hasKey = false;
            for (var aliases = store.aliases(); aliases.hasMoreElements(); ) {
                hasKey |= store.isKeyEntry(aliases.nextElement());
            }
            if (!hasKey) {
                throw new IllegalArgumentException("tls-keystore=" + keyStore + " (holds no private key entry)");
            }
            return fromKeys(store, password);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls-keystore=" + keyStore + " (key entry unusable: " + e.getMessage() + ")", e);
        }
    }

    private static TlsContext fromKeys(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return of(ctx);
    }

    /**
     * Restricts the protocol versions, e.g. {@code "TLSv1.3"} (default: the JDK's enabled set,
     * TLS 1.3 and 1.2).
     */
    public TlsContext withProtocols(String... versions) {
        String[] supported = sslContext.getSupportedSSLParameters().getProtocols();
        for (String v : versions) {
            if (!Arrays.asList(supported).contains(v)) {
                throw new IllegalArgumentException("tls-protocols=" + v + " (supported: " + String.join(", ", supported) + ")");
            }
        }
        return new TlsContext(sslContext, versions.clone(), applicationProtocols);
    }

    /** ALPN protocols this server speaks, in preference order, e.g. {@code "http/1.1"}. */
    public TlsContext withApplicationProtocols(String... names) {
        return new TlsContext(sslContext, protocols, names.clone());
    }

    /** The JDK context behind this one. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** A factory whose handlers speak TLS to the peer and plaintext to {@code inner}'s handlers. */
    public HandlerFactory wrap(HandlerFactory inner) {
        Objects.requireNonNull(inner, "inner");
        return connection -> TlsConnection.server(this, connection, inner);
    }

    /**
     * Whether the JDK is asked to refuse client-initiated renegotiation. It obeys only if the
     * property was set when its server handshake classes loaded, which cannot be observed from
     * here; {@link TlsConnection} refuses what the JDK lets through.
     */
    static boolean jdkRejectsRenegotiation() {
        return Boolean.parseBoolean(System.getProperty(REJECT_RENEGOTIATION_PROPERTY)); // the JDK's parse: "true", any case
    }

    /** A server-mode engine for one connection. */
    SSLEngine newServerEngine(InetSocketAddress peer) {
        SSLEngine engine = peer == null ? sslContext.createSSLEngine()
                : sslContext.createSSLEngine(peer.getHostString(), peer.getPort());
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        if (protocols != null) {
            p.setProtocols(protocols);
        }
        if (applicationProtocols != null) {
            p.setApplicationProtocols(applicationProtocols);
        }
        engine.setSSLParameters(p);
        return engine;
    }
}
