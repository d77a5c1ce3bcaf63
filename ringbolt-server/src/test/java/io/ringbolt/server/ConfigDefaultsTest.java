package io.ringbolt.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Options from flags, RINGBOLT_* variables, the --config file and defaults: precedence and every error path, in-process. */
class ConfigDefaultsTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Parses without running; the serve command's options. */
    private Main.Serve serve(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine cl = Main.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true), all);
        assertThat(cl).as(err.toString()).isNotNull();
        CommandLine.ParseResult parsed = cl.parseArgs(all);
        return (Main.Serve) parsed.subcommand().commandSpec().userObject();
    }

    private int run(Map<String, String> env, String... args) {
        return Main.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("ringbolt.properties"), text);
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path config = file("# ops\nport=7001\nreactors = 3\nbackend: nio\nidle-timeout=90s\n");
        Map<String, String> env = Map.of("RINGBOLT_PORT", "7002", "RINGBOLT_REACTORS", "4", "RINGBOLT_HEAP", "2g");

        Main.Serve s = serve(env, "--config", config.toString(), "--port", "7003");
        assertThat(s.options.port).isEqualTo(7003);            // flag
        assertThat(s.options.reactors).isEqualTo(4);           // environment over file
        assertThat(s.options.backend).isEqualTo("nio");        // file
        assertThat(s.options.idleTimeout).isEqualTo("90s");    // file
        assertThat(s.options.host).isEqualTo("127.0.0.1");     // default
        assertThat(s.healthFlags.drainDelay).isEqualTo("0s");  // default

        assertThat(serve(env, "--config=" + config).options.port).isEqualTo(7002);
        assertThat(serve(Map.of(), "--config", config.toString()).options.port).isEqualTo(7001);
        assertThat(serve(Map.of()).options.port).isEqualTo(8080);
        assertThat(serve(Map.of(), "-p", "7004").options.port).isEqualTo(7004);
        assertThat(serve(Map.of(), "-p7005").options.port).isEqualTo(7005);
    }

    @Test
    void everyOptionHasAVariableIncludingTlsListsAndTheConfigFileItself() throws Exception {
        Path config = file("drain-delay=5s\ntls-protocols=TLSv1.3\n");
        Main.Serve s = serve(Map.of("RINGBOLT_CONFIG", config.toString(), "RINGBOLT_TLS_CERT", "/x/cert.pem",
                "RINGBOLT_MAX_UPLOAD_BYTES", "1024", "RINGBOLT_ACCEPT_MODE", "acceptor"));
        assertThat(s.tls.certificate).isEqualTo(Path.of("/x/cert.pem"));
        assertThat(s.tls.protocols).containsExactly("TLSv1.3");
        assertThat(s.http.maxUploadBytes).isEqualTo(1024);
        assertThat(s.options.acceptMode).isEqualTo("acceptor");
        assertThat(s.healthFlags.drainDelay).isEqualTo("5s");
    }

    @Test
    void theMetricsSwitchComesFromFlagEnvironmentOrFileAndIsOnByDefault() throws Exception {
        assertThat(serve(Map.of()).metricsFlags.enabled()).isTrue();
        assertThat(serve(Map.of(), "--metrics", "off").metricsFlags.enabled()).isFalse();
        assertThat(serve(Map.of("RINGBOLT_METRICS", "off")).metricsFlags.enabled()).isFalse();
        assertThat(serve(Map.of("RINGBOLT_METRICS", "off"), "--metrics", "on").metricsFlags.enabled()).isTrue();
        Path config = file("metrics=off\n");
        assertThat(serve(Map.of(), "--config", config.toString()).metricsFlags.enabled()).isFalse();

        assertThat(run(Map.of("RINGBOLT_METRICS", "maybe"), "serve", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: RINGBOLT_METRICS=maybe (environment): expected on or off");
    }

    @Test
    void aBadVariableIsOverriddenByAFlag() {
        assertThat(serve(Map.of("RINGBOLT_PORT", "abc"), "--port", "9000").options.port).isEqualTo(9000);
    }

    @Test
    void aBadNumberInTheEnvironmentNamesTheVariable() {
        assertThat(run(Map.of("RINGBOLT_PORT", "abc"), "serve")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ringbolt: RINGBOLT_PORT=abc (environment): not a number" + System.lineSeparator());
    }

    @Test
    void aBadNumberInTheFileNamesKeyFileAndLine() throws Exception {
        Path config = file("host=127.0.0.1\n\nport=abc\n");
        assertThat(run(Map.of(), "echo", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: port=abc (file " + config + " line 3): not a number");
    }

    @Test
    void aBadValueCheckedByTheAppNamesItsSource() throws Exception {
        assertThat(run(Map.of("RINGBOLT_LOG_LEVEL", "loud"), "echo", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: RINGBOLT_LOG_LEVEL=loud (environment): expected error, warning, info, debug");

        Path config = file("drain-delay=soon\n");
        assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: drain-delay=soon (file " + config + " line 1): expected e.g. 500ms, 30s, 5m");
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorNamingIt() throws Exception {
        Path config = file("port=8081\nprot=8082\n");
        assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: prot=8082 (file " + config + " line 2): unknown key; ringbolt serve takes ");

        // A serve-only key is unknown to echo.
        Path serveOnly = Files.writeString(dir.resolve("serve.properties"), "data-dir=/srv\n");
        assertThat(run(Map.of(), "echo", "--config", serveOnly.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("data-dir=/srv (file " + serveOnly + " line 1): unknown key; ringbolt echo takes ");
    }

    @Test
    void unknownVariablesAreIgnoredBecauseTheLauncherHasItsOwn() {
        assertThat(serve(Map.of("RINGBOLT_JAVA_OPTS", "-Xmx1g", "RINGBOLT_PROT", "1")).options.port).isEqualTo(8080);
    }

    @Test
    void aMissingOrMalformedFileIsAnError() throws Exception {
        assertThat(run(Map.of(), "serve", "--config", dir.resolve("nope.properties").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: config=" + dir.resolve("nope.properties") + " (file not found)");

        assertThat(run(Map.of("RINGBOLT_CONFIG", "/nonexistent/ringbolt.properties"), "serve")).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: RINGBOLT_CONFIG=/nonexistent/ringbolt.properties (environment): file not found");

        Path bad = file("port=1\nhost=\\u12\n");
        assertThat(run(Map.of("RINGBOLT_CONFIG", bad.toString()), "serve")).isEqualTo(2);
        assertThat(err.toString()).contains("ringbolt: RINGBOLT_CONFIG=" + bad + " (environment): line 2: Malformed \\uxxxx encoding.");

        Path twice = Files.writeString(dir.resolve("twice.properties"), "port=1\nport=2\n");
        assertThat(run(Map.of(), "serve", "--config", twice.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("port=2 (file " + twice + " line 2): duplicate key, first set on line 1");
    }

    @Test
    void continuationLinesKeepTheFirstLineNumber() throws Exception {
        Path config = file("host=127.0.0.1\nport=80\\\n  80\nidle-timeout=\\\n  bad\n");
        assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("idle-timeout=bad (file " + config + " line 4): expected");
        assertThat(serve(Map.of(), "--config", config.toString()).options.port).isEqualTo(8080);
    }
}
