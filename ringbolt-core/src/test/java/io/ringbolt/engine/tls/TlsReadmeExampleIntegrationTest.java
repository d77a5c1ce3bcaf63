package io.ringbolt.engine.tls;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.ReadmeSnippets;
import io.ringbolt.engine.Recorder;
import io.ringbolt.engine.SelfSigned;
import io.ringbolt.engine.TestBackends;
import io.ringbolt.engine.TestEngines;
import io.ringbolt.engine.stream.ConnectionStream;
import io.ringbolt.engine.stream.StreamHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's TLS client example, compiled and run on every backend against our TLS echo server. */
@Timeout(120)
class TlsReadmeExampleIntegrationTest {

    private static SelfSigned certificate;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSigned.create("EC");
    }

    @AfterAll
    static void deleteCertificate() throws Exception {
        if (certificate != null) {
            certificate.delete();
        }
    }

    // ---- as shown in the README ("## TLS") ----

    static String helloOverTls(Engine client, InetSocketAddress server, Path caBundle) throws Exception {
        TlsClient tls = TlsContext.client()
                .trustPem(caBundle)                                 // default: the JDK's CAs
                .applicationProtocols("http/1.1")                   // ALPN offered
                .build();                                           // the host name is checked by default
        StreamHandler handler = new StreamHandler();
        var c = (SecureConnection) tls.connect(client, server, handler, Duration.ofSeconds(5))
                .join();                                            // handshake done, or it throws naming host and cause
        ConnectionStream stream = handler.stream();
        stream.outputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        var in = new BufferedReader(new InputStreamReader(stream.inputStream(), StandardCharsets.US_ASCII));
        String line = in.readLine();
        stream.close();                                             // close_notify, then FIN
        return c.applicationProtocol() + ": " + line;
    }

    // ---- end of README code ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theClientExampleTalksToOurTlsEchoServer(Backend backend) throws Exception {
        try (Engine server = TestEngines.loopback(backend, TlsContext.fromPem(certificate.certificatePem, certificate.privateKeyPem)
                        .withApplicationProtocols("http/1.1").wrap(Recorder.echo())).start();
             Engine client = TlsClientIntegrationTest.clientEngine(backend)) {
            // InetAddress.getLoopbackAddress() is named "localhost", which the certificate names.
            assertThat(helloOverTls(client, TestEngines.address(server), certificate.certificatePem)).isEqualTo("http/1.1: hello");
        }
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        ReadmeSnippets.assertShownCodeIsCompiledBy("src/test/java/io/ringbolt/engine/tls/TlsReadmeExampleIntegrationTest.java", "## TLS");
    }
}
