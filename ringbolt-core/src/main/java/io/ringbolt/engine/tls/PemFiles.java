package io.ringbolt.engine.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/** Reads PEM certificate chains and PKCS#8 private keys with the JDK alone. */
final class PemFiles {
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private PemFiles() {
    }

    static Certificate[] readCertificates(String key, Path file) {
        byte[] bytes = read(key, file);
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(key + "=" + file + " (no certificate in it)");
            }
            return certs.toArray(new Certificate[0]);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(key + "=" + file + " (not a PEM certificate chain: " + e.getMessage() + ")", e);
        }
    }

    static PrivateKey readPrivateKey(String key, Path file) {
        String text = new String(read(key, file), StandardCharsets.US_ASCII);
        int begin = text.indexOf(PKCS8_BEGIN);
        int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            String kind = text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "an encrypted key"
                    : text.contains("BEGIN RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : text.contains("BEGIN EC PRIVATE KEY") ? "a SEC1 EC key" : "no PKCS#8 private key";
            throw new IllegalArgumentException(key + "=" + file + " (" + kind + "; an unencrypted PKCS#8 key is needed:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pk8.pem)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "=" + file + " (bad base64 in the key: " + e.getMessage() + ")", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(key + "=" + file + " (a PKCS#8 key of no supported algorithm: RSA, EC, EdDSA)");
    }

    /** Signs and verifies a probe, so a key that belongs to another certificate fails at start, not at the first handshake. */
    static void checkKeyMatches(PrivateKey privateKey, Certificate certificate, Path keyFile, Path certFile) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null;
            default -> privateKey.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "ringbolt key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("tls-key=" + keyFile + " (does not belong to the first certificate of tls-cert=" + certFile + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls-key=" + keyFile + " (does not fit the first certificate of tls-cert=" + certFile
                    + ": " + e.getMessage() + ")", e);
        }
    }

    private static byte[] read(String key, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + "=" + file + " (cannot be read: " + e + ")", e);
        }
    }
}
