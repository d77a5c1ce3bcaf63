package io.ringbolt.engine.tls;

import io.ringbolt.engine.SelfSigned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client settings: what reaches the JDK's engine, SNI rules, and errors that name the setting at fault. */
@Timeout(60)
class TlsClientTest {
    private static SelfSigned certificate;

    @BeforeAll
    static void certificate() throws Exception {
        certificate = SelfSigned.create("EC");
    }

    @AfterAll
    static void delete() throws Exception {
        certificate.delete();
    }

    private static SSLEngine engineFor(TlsClient client, String host) {
        return client.newClientEngine(host, TlsClient.sniFor(host), 443);
    }

    @Test
    void hostNamesAreCheckedAndSentAsSniByDefault() {
        SSLEngine engine = engineFor(TlsContext.client().build(), "localhost");
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getPeerHost()).isEqualTo("localhost");
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(engine.getSSLParameters().getServerNames()).containsExactly(new SNIHostName("localhost"));
        assertThat(engine.getSSLParameters().getApplicationProtocols()).isEmpty();
    }

    @Test
    void theOptOutTurnsOffTheNameCheckOnly() {
        TlsClient client = TlsContext.client().verifyHostname(false).build();
        SSLEngine engine = engineFor(client, "example.com");
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
        assertThat(engine.getSSLParameters().getServerNames()).containsExactly(new SNIHostName("example.com"));
    }

    @Test
    void ipLiteralsGetNoSni() {
        assertThat(TlsClient.sniFor("127.0.0.1")).isNull();
        assertThat(TlsClient.sniFor("::1")).isNull();
        assertThat(TlsClient.sniFor("[2001:db8::1]")).isNull();
        assertThat(TlsClient.sniFor("example.com.")).isEqualTo(new SNIHostName("example.com"));
        assertThat(TlsClient.sniFor("1.2.3.example")).isEqualTo(new SNIHostName("1.2.3.example"));
        assertThat(engineFor(TlsContext.client().build(), "127.0.0.1").getSSLParameters().getServerNames()).isEmpty();
        assertThatThrownBy(() -> TlsClient.sniFor("bad name!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serverName=bad name!");
    }

    @Test
    void protocolsAndAlpnReachTheEngine() {
        SSLEngine engine = engineFor(TlsContext.client().protocols("TLSv1.3").applicationProtocols("h2", "http/1.1").build(), "a.example");
        assertThat(engine.getSSLParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(engine.getSSLParameters().getApplicationProtocols()).containsExactly("h2", "http/1.1");
        assertThatThrownBy(() -> TlsContext.client().protocols("SSLv2").build()).hasMessageStartingWith("tls-protocols=SSLv2");
    }

    @Test
    void trustComesFromPemOrAKeyStore() throws Exception {
        assertThat(TlsContext.client().trustPem(certificate.certificatePem).build().sslContext().getProtocol()).isEqualTo("TLS");
        Path trustStore = certificate.dir.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(certificate.certificatePem)));
        try (var out = Files.newOutputStream(trustStore)) {
            store.store(out, SelfSigned.PASSWORD);
        }
        assertThat(TlsContext.client().trustStore(trustStore, SelfSigned.PASSWORD).build()).isNotNull();
        // A key store with a key entry has the certificate too.
        assertThat(TlsContext.client().trustStore(certificate.keyStore, SelfSigned.PASSWORD).build()).isNotNull();
    }

    @Test
    void errorsNameTheSetting() {
        Path missing = certificate.dir.resolve("missing.pem");
        assertThatThrownBy(() -> TlsContext.client().trustPem(missing)).hasMessageStartingWith("tls-trust=" + missing);
        assertThatThrownBy(() -> TlsContext.client().trustPem(certificate.privateKeyPem))
                .hasMessageStartingWith("tls-trust=" + certificate.privateKeyPem);
        assertThatThrownBy(() -> TlsContext.client().trustStore(missing, null)).hasMessageStartingWith("tls-truststore=" + missing);
        assertThatThrownBy(() -> TlsContext.client().trustStore(certificate.keyStore, "wrong".toCharArray()))
                .hasMessageStartingWith("tls-truststore=" + certificate.keyStore);
        assertThatThrownBy(() -> TlsContext.client().clientCertificate(missing, certificate.privateKeyPem))
                .hasMessageStartingWith("tls-client-cert=" + missing);
        assertThatThrownBy(() -> TlsContext.client().clientCertificate(certificate.certificatePem, missing))
                .hasMessageStartingWith("tls-client-key=" + missing);
        assertThatThrownBy(() -> TlsContext.client().clientKeyStore(missing, SelfSigned.PASSWORD))
                .hasMessageStartingWith("tls-client-keystore=" + missing);
    }
}
