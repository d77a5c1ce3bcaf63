package io.ringbolt.server;

import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.tls.TlsContext;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** TLS flags shared by every subcommand: a PEM pair or a key store turns TLS on for the listener. */
final class TlsFlags {
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM, server certificate first); with --tls-key turns TLS on.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (unencrypted PKCS#8 PEM: BEGIN PRIVATE KEY).")
    Path privateKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS#12 or JKS key store with the server key; turns TLS on (instead of --tls-cert/--tls-key).")
    Path keyStore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", description = "Password of --tls-keystore (default: empty).", defaultValue = "")
    String keyStorePassword;

    @Option(names = "--tls-protocols", paramLabel = "LIST", split = ",", description = "TLS versions to accept, e.g. TLSv1.3 (default: TLSv1.3,TLSv1.2).")
    String[] protocols;

    /** The TLS settings, or null when no TLS flag was given. */
    TlsContext context(String... applicationProtocols) {
        if (keyStore != null && (certificate != null || privateKey != null)) {
            throw new IllegalArgumentException("tls-keystore=" + keyStore + " (give either --tls-keystore or --tls-cert/--tls-key, not both)");
        }
        if (certificate != null && privateKey == null) {
            throw new IllegalArgumentException("tls-key=(missing) (required with --tls-cert)");
        }
        if (privateKey != null && certificate == null) {
            throw new IllegalArgumentException("tls-cert=(missing) (required with --tls-key)");
        }
        TlsContext ctx;
        if (keyStore != null) {
            ctx = TlsContext.fromKeyStore(keyStore, keyStorePassword.toCharArray());
        } else if (certificate != null) {
            ctx = TlsContext.fromPem(certificate, privateKey);
        } else {
            if (protocols != null) {
                throw new IllegalArgumentException("tls-protocols=" + String.join(",", protocols) + " (needs --tls-cert/--tls-key or --tls-keystore)");
            }
            return null;
        }
        if (protocols != null) {
            ctx = ctx.withProtocols(protocols);
        }
        if (applicationProtocols.length > 0) {
            ctx = ctx.withApplicationProtocols(applicationProtocols);
        }
        return ctx;
    }

    /** {@code handler}, behind TLS when it is configured ({@link #describe} says how). */
    HandlerFactory apply(HandlerFactory handler, String... applicationProtocols) {
        TlsContext ctx = context(applicationProtocols);
        return ctx == null ? handler : ctx.wrap(handler);
    }

    /**
     * The TLS part of the start-up line, e.g. {@code TLS TLSv1.3,TLSv1.2, ALPN http/1.1,
     * certificate cert.pem}; null when TLS is off. Without --tls-protocols the versions are the
     * JDK's defaults for a server.
     */
    String describe(String... applicationProtocols) {
        if (keyStore == null && certificate == null) {
            return null;
        }
        String versions = protocols != null ? String.join(",", protocols) : jdkDefaultProtocols();
        return "TLS " + versions
                + (applicationProtocols.length > 0 ? ", ALPN " + String.join(",", applicationProtocols) : "")
                + ", " + (keyStore != null ? "key store " + keyStore : "certificate " + certificate);
    }

    private static String jdkDefaultProtocols() {
        try {
            return String.join(",", javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getProtocols());
        } catch (java.security.NoSuchAlgorithmException e) {
            return "(JDK defaults)";
        }
    }
}
