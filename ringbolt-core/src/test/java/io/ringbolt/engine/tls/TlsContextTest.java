package io.ringbolt.engine.tls;

import io.ringbolt.engine.SelfSigned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading keys and certificates: what works, and errors that name the setting at fault. */
@Timeout(60)
class TlsContextTest {
    private static SelfSigned ec;
    private static SelfSigned rsa;
    private static SelfSigned otherEc;

    @BeforeAll
    static void certificates() throws Exception {
        ec = SelfSigned.create("EC");
        rsa = SelfSigned.create("RSA");
        otherEc = SelfSigned.create("EC");
    }

    @AfterAll
    static void delete() throws Exception {
        ec.delete();
        rsa.delete();
        otherEc.delete();
    }

    @Test
    void loadsPemAndKeyStoresOfBothKeyTypes() {
        for (SelfSigned s : new SelfSigned[] {ec, rsa}) {
            assertThat(TlsContext.fromPem(s.certificatePem, s.privateKeyPem).newServerEngine(null).getUseClientMode()).isFalse();
            assertThat(TlsContext.fromKeyStore(s.keyStore, SelfSigned.PASSWORD).sslContext().getProtocol()).isEqualTo("TLS");
        }
    }

    @Test
    void appliesProtocolsAndAlpn() {
        var engine = TlsContext.fromPem(ec.certificatePem, ec.privateKeyPem)
                .withProtocols("TLSv1.3").withApplicationProtocols("http/1.1").newServerEngine(null);
        assertThat(engine.getSSLParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(engine.getSSLParameters().getApplicationProtocols()).containsExactly("http/1.1");
        assertThatThrownBy(() -> TlsContext.fromPem(ec.certificatePem, ec.privateKeyPem).withProtocols("SSLv2"))
                .hasMessageStartingWith("tls-protocols=SSLv2");
    }

    @Test
    void errorsNameTheSetting() throws Exception {
        Path missing = ec.dir.resolve("missing.pem");
        assertThatThrownBy(() -> TlsContext.fromPem(missing, ec.privateKeyPem)).hasMessageStartingWith("tls-cert=" + missing);
        assertThatThrownBy(() -> TlsContext.fromPem(ec.certificatePem, missing)).hasMessageStartingWith("tls-key=" + missing);
        assertThatThrownBy(() -> TlsContext.fromPem(ec.privateKeyPem, ec.privateKeyPem))
                .hasMessageStartingWith("tls-cert=" + ec.privateKeyPem).hasMessageContaining("certificate");

        Path pkcs1 = ec.dir.resolve("rsa-pkcs1.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsContext.fromPem(rsa.certificatePem, pkcs1))
                .hasMessageStartingWith("tls-key=" + pkcs1).hasMessageContaining("PKCS#1").hasMessageContaining("openssl pkcs8");

        assertThatThrownBy(() -> TlsContext.fromPem(rsa.certificatePem, ec.privateKeyPem))
                .hasMessageStartingWith("tls-key=" + ec.privateKeyPem).hasMessageContaining("tls-cert=" + rsa.certificatePem);
        assertThatThrownBy(() -> TlsContext.fromPem(ec.certificatePem, otherEc.privateKeyPem))
                .hasMessageStartingWith("tls-key=").hasMessageContaining("does not belong");

        assertThatThrownBy(() -> TlsContext.fromKeyStore(ec.keyStore, "wrong".toCharArray()))
                .hasMessageStartingWith("tls-keystore=" + ec.keyStore).hasMessageContaining("password");
        assertThatThrownBy(() -> TlsContext.fromKeyStore(missing, SelfSigned.PASSWORD))
                .hasMessageStartingWith("tls-keystore=" + missing);
        assertThatThrownBy(() -> TlsContext.fromKeyStore(ec.certificatePem, SelfSigned.PASSWORD))
                .hasMessageStartingWith("tls-keystore=" + ec.certificatePem);
    }
}
