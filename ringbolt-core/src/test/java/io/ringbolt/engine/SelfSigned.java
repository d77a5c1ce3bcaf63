package io.ringbolt.engine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost made by the JDK's keytool, as a
 * PKCS#12 key store and as PEM files (certificate, PKCS#8 key), plus a client context that
 * trusts it. Files live in a temporary directory.
 */
public final class SelfSigned {
    public static final char[] PASSWORD = "ringbolt-test".toCharArray();

    public final Path dir;
    public final Path keyStore;
    public final Path certificatePem;
    public final Path privateKeyPem;
    private final Certificate certificate;

    private SelfSigned(Path dir, Path keyStore, Path certificatePem, Path privateKeyPem, Certificate certificate) {
        this.dir = dir;
        this.keyStore = keyStore;
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
        this.certificate = certificate;
    }

    /** {@code keyAlgorithm}: EC or RSA. */
    public static SelfSigned create(String keyAlgorithm) throws IOException, InterruptedException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("ringbolt-tls");
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", keyAlgorithm,
                "-validity", "2", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-keystore", p12.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
        KeyStore store = KeyStore.getInstance(p12.toFile(), PASSWORD);
        Certificate cert = store.getCertificate("server");
        Key key = store.getKey("server", PASSWORD);
        Path certPem = dir.resolve("server.crt");
        Path keyPem = dir.resolve("server.key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8 DER
        return new SelfSigned(dir, p12, certPem, keyPem, cert);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A client context that trusts this certificate only. */
    public SSLContext clientContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Deletes the files. */
    public void delete() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
