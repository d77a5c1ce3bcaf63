package io.ringbolt.engine.tls;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Collector;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.SelfSigned;
import io.ringbolt.engine.TestBackends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.ringbolt.engine.tls.TlsClientIntegrationTest.clientEngine;
import static io.ringbolt.engine.tls.TlsClientIntegrationTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS client on every backend against another implementation, {@code openssl s_server}
 * (a child process on a free loopback port, answering each line reversed), with certificates
 * made by the JDK's keytool: TLS 1.3 and 1.2 with ALPN and about 1 MB of lines, trust failures,
 * and a client certificate the server requires.
 */
@Timeout(120)
class TlsClientOpensslIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static SelfSigned serverCertificate;
    private static SelfSigned clientCertificate;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverCertificate = SelfSigned.create("EC");
        clientCertificate = SelfSigned.create("RSA");
    }

    @AfterAll
    static void deleteCertificates() throws Exception {
        for (SelfSigned s : new SelfSigned[] {serverCertificate, clientCertificate}) {
            if (s != null) {
                s.delete();
            }
        }
    }

    private static OpensslServer opensslServer(String... options) throws Exception {
        return OpensslServer.start(serverCertificate.certificatePem, serverCertificate.privateKeyPem, options);
    }

    /** {@code lines} random lines of {@code length} letters, each ending in a newline. */
    private static String lines(int lines, int length, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(lines * (length + 1));
        for (int i = 0; i < lines; i++) {
            for (int j = 0; j < length; j++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String reversedLines(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (String line : text.split("\n")) {
            sb.append(new StringBuilder(line).reverse()).append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void talksToOpensslOnTls13And12WithAlpn(Backend backend) throws Exception {
        try (OpensslServer openssl = opensslServer("-alpn", "http/1.1");
             Engine client = clientEngine(backend)) {
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                TlsClient tls = TlsClient.builder().trustPem(serverCertificate.certificatePem)
                        .protocols(protocol).applicationProtocols("h2", "http/1.1").build();
                Collector handler = new Collector();
                SecureConnection c = (SecureConnection) tls.connect(client, openssl.address(), handler, WAIT)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(c.session().getProtocol()).isEqualTo(protocol);
                assertThat(c.applicationProtocol()).isEqualTo("http/1.1");
                String text = lines(1000, 1000, protocol.hashCode()); // about 1 MB
                c.write(text.getBytes(StandardCharsets.US_ASCII));
                c.flush();
                byte[] back = handler.awaitBytes(text.length(), WAIT);
                assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo(reversedLines(text));
                c.close();
                assertThat(handler.awaitClose(WAIT)).isIn(CloseReason.LOCAL, CloseReason.PEER_CLOSED);
            }
            assertThat(openssl.output()).contains("Protocol version: TLSv1.3").contains("Protocol version: TLSv1.2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void opensslsCertificateMustBeTrustedAndNamed(Backend backend) throws Exception {
        try (OpensslServer openssl = opensslServer();
             Engine client = clientEngine(backend)) {
            Throwable untrusted = failure(TlsClient.builder().build()
                    .connect(client, openssl.address(), null, c -> new Collector(), WAIT));
            assertThat(untrusted).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with localhost (").hasMessageContaining("PKIX");

            Throwable misnamed = failure(TlsClient.builder().trustPem(serverCertificate.certificatePem).build()
                    .connect(client, openssl.address(), "ringbolt.example", c -> new Collector(), WAIT));
            assertThat(misnamed).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with ringbolt.example (").hasMessageContaining("ringbolt.example");

            Collector handler = new Collector();
            Connection c = TlsClient.builder().trustPem(serverCertificate.certificatePem).verifyHostname(false).build()
                    .connect(client, openssl.address(), "ringbolt.example", conn -> handler, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.writeAndFlush("abc\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(handler.awaitBytes(4, WAIT)).isEqualTo("cba\n".getBytes(StandardCharsets.US_ASCII));
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void presentsAClientCertificateTheServerRequires(Backend backend) throws Exception {
        try (OpensslServer openssl = opensslServer("-Verify", "1", "-CAfile", clientCertificate.certificatePem.toString());
             Engine client = clientEngine(backend)) {
            TlsClient tls = TlsClient.builder().trustPem(serverCertificate.certificatePem)
                    .clientCertificate(clientCertificate.certificatePem, clientCertificate.privateKeyPem).build();
            Collector handler = new Collector();
            SecureConnection c = (SecureConnection) tls.connect(client, openssl.address(), handler, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.writeAndFlush("mutual\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(handler.awaitBytes(7, WAIT)).isEqualTo("lautum\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.session().getLocalCertificates()).as("we presented our certificate").hasSize(1);
            assertThat(openssl.awaitOutput("verify return:1", WAIT)).as(openssl.output()).isTrue();
            c.close();
        }
    }
}
