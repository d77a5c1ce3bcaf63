package io.ringbolt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringbolt.engine.Backend;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HttpArena's validation of its four HTTP/2 profiles, run against {@code serve} with HttpArena's
 * port roles (HTTP/1.1 and h2c on the main port, h2 over TLS on the {@code --h2-port}, h2c only
 * on the {@code --h2c-port}) on each backend, with the client HttpArena uses: curl
 * ({@code --http2} with ALPN, {@code --http2-prior-knowledge} for h2c).
 *
 * <p>The checks restate, in our own code, what MDA2AV/HttpArena asks at commit
 * ce289c7cecdbd76ae28057ff7a696c4ea1a97f25: {@code scripts/lib/validate/checks/http2.sh}
 * (baseline-h2, baseline-h2c, json-h2c), {@code scripts/lib/validate/checks/static.sh}
 * (static-h2) and the helpers of {@code scripts/lib/validate/assert.sh} ({@code check}: the last
 * line of {@code curl -D-} output is the expected body; {@code check_header}: the value equals
 * the expected type or starts with it and {@code ;}, text/javascript counting as
 * application/javascript; {@code check_status}; {@code check_static_freshness}). The profiles'
 * endpoints are those of {@code scripts/lib/profiles.sh} at 01193b65cc449000ec8881d0ab1f7fb5ab98b2fb:
 * baseline-h2 and static-h2 on the TLS port, baseline-h2c and json-h2c on the h2c port.
 * Every failed check is collected and reported together, as the validator does.
 */
@Timeout(300)
class HttpArenaH2ValidationIntegrationTest {
    private static final String[] JSON_PAIRS = {"12:3", "22:7", "31:2", "50:5"};

    private final List<String> failures = new ArrayList<>();
    private int passed;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void theFourHttp2ProfilesPassHttpArenasChecks(Backend backend) throws Exception {
        Processes.require("curl", "curl");
        Processes.require("openssl", "openssl");
        Path dir = Files.createTempDirectory("ringbolt-arena-h2");
        Path data = copyArenaData(dir.resolve("data"));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        int[] ports = Http2ClientsIntegrationSuite.freePorts(4);
        ServeProcess serve;
        try {
            serve = ServeProcess.start("--port", Integer.toString(ports[0]), "--tls-port", Integer.toString(ports[1]),
                    "--h2-port", Integer.toString(ports[2]), "--h2c-port", Integer.toString(ports[3]),
                    "--tls-cert", cert.toString(), "--tls-key", key.toString(), "--data-dir", data.toString(),
                    "--reactors", "2", "--backend", backend.name());
        } catch (AssertionError e) {
            if (String.valueOf(e.getMessage()).contains("unavailable")) {
                Assumptions.abort("backend " + backend + " unavailable here: " + e.getMessage());
            }
            throw e;
        }
        try (serve) {
            String h2 = "https://localhost:" + ports[2];
            String h2c = "http://localhost:" + ports[3];
            baselineH2(h2);
            staticH2(h2, data.resolve("static"));
            baselineH2c(h2c);
            jsonH2c(h2c);
            assertThat(failures).as(passed + " checks passed; serve output:\n" + serve.output).isEmpty();
            assertThat(passed).as("checks run").isGreaterThanOrEqualTo(20);
        }
    }

    // ---- profiles (checks/http2.sh, checks/static.sh) -------------------------------------------

    private void baselineH2(String base) throws Exception {
        if (!waitH2(base)) {
            return;
        }
        String[] tls = {"-sk", "--http2"};
        expectEqual("baseline-h2 HTTP/2 negotiation", "2", curlOut(join(tls, "-o", "/dev/null", "-w", "%{http_version}",
                base + "/baseline2?a=1&b=1")));
        checkBody("baseline-h2 GET /baseline2?a=13&b=42", "55", join(tls, base + "/baseline2?a=13&b=42"));
        Random random = new Random();
        int a = random.nextInt(900) + 100;
        int b = random.nextInt(900) + 100;
        checkBody("baseline-h2 random sum", Integer.toString(a + b), join(tls, base + "/baseline2?a=" + a + "&b=" + b));
        checkHeader("baseline-h2 Content-Type", "Content-Type", "text/plain", join(tls, base + "/baseline2?a=1&b=1"));
    }

    private void staticH2(String base, Path staticDir) throws Exception {
        if (!waitH2(base)) {
            return;
        }
        String[] tls = {"-sk", "--http2"};
        checkHeader("static-h2 reset.css", "Content-Type", "text/css", join(tls, base + "/static/reset.css"));
        checkHeader("static-h2 app.js", "Content-Type", "application/javascript", join(tls, base + "/static/app.js"));
        checkHeader("static-h2 manifest.json", "Content-Type", "application/json", join(tls, base + "/static/manifest.json"));
        String size = curlOut(join(tls, "-o", "/dev/null", "-w", "%{size_download}", base + "/static/reset.css"));
        if (size.matches("\\d+") && Long.parseLong(size) > 0) {
            passed++;
        } else {
            failures.add("static-h2 response size: '" + size + "'");
        }
        checkStatus("static-h2 GET /static/nonexistent.txt", "404", join(tls, base + "/static/nonexistent.txt"));
        staticFreshness(base, staticDir, tls);
    }

    private void baselineH2c(String base) throws Exception {
        String[] pk = {"-s", "--http2-prior-knowledge"};
        for (int i = 0; i < 10; i++) {
            if (curl(join(pk, "--max-time", "2", "-o", "/dev/null", base + "/baseline2?a=1&b=1")).exitCode() == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        expectEqual("baseline-h2c HTTP/2 cleartext (prior knowledge)", "2",
                curlOut(join(pk, "-o", "/dev/null", "-w", "%{http_version}", base + "/baseline2?a=1&b=1")));
        // Anti-cheat: the h2c port must not answer HTTP/1.1 with 200.
        String h1 = curlOut("-s", "--max-time", "5", "--http1.1", "-o", "/dev/null", "-w", "%{http_code}", base + "/baseline2?a=1&b=1");
        if (!h1.equals("200")) {
            passed++;
        } else {
            failures.add("baseline-h2c h2c-only: the port answered HTTP/1.1 with 200");
        }
        checkBody("baseline-h2c GET /baseline2?a=13&b=42", "55", join(pk, base + "/baseline2?a=13&b=42"));
        Random random = new Random();
        int a = random.nextInt(900) + 100;
        int b = random.nextInt(900) + 100;
        checkBody("baseline-h2c random sum", Integer.toString(a + b), join(pk, base + "/baseline2?a=" + a + "&b=" + b));
        checkHeader("baseline-h2c Content-Type", "Content-Type", "text/plain", join(pk, base + "/baseline2?a=1&b=1"));
    }

    private void jsonH2c(String base) throws Exception {
        String[] pk = {"-s", "--http2-prior-knowledge"};
        expectEqual("json-h2c /json over HTTP/2 cleartext", "2",
                curlOut(join(pk, "-o", "/dev/null", "-w", "%{http_version}", base + "/json/1?m=1")));
        checkHeader("json-h2c Content-Type", "Content-Type", "application/json", join(pk, base + "/json/1?m=1"));
        ObjectMapper mapper = new ObjectMapper();
        for (String pair : JSON_PAIRS) {
            int count = Integer.parseInt(pair.substring(0, pair.indexOf(':')));
            int m = Integer.parseInt(pair.substring(pair.indexOf(':') + 1));
            String body = curlOut(join(pk, base + "/json/" + count + "?m=" + m));
            String problem;
            try {
                problem = jsonProblem(mapper.readTree(body), count, m);
            } catch (Exception e) {
                problem = "not JSON: " + e.getMessage();
            }
            if (problem == null) {
                passed++;
            } else {
                failures.add("json-h2c GET /json/" + count + "?m=" + m + ": " + problem);
            }
        }
    }

    /** The json-h2c validator's rules: count and item count match, every item has the schema, total = price * quantity * m. */
    private static String jsonProblem(JsonNode doc, int count, int m) {
        if (doc.path("count").asInt(-1) != count) {
            return "count=" + doc.path("count");
        }
        JsonNode items = doc.path("items");
        if (!items.isArray() || items.size() != count) {
            return "items=" + (items.isArray() ? items.size() : "missing");
        }
        for (JsonNode it : items) {
            for (String field : new String[] {"id", "name", "category", "price", "quantity", "total"}) {
                if (!it.has(field)) {
                    return "item without " + field + ": " + it;
                }
            }
            JsonNode rating = it.path("rating");
            if (!it.path("tags").isArray() || !it.path("active").isBoolean() || !rating.isObject()
                    || !rating.has("score") || !rating.has("count")) {
                return "item schema: " + it;
            }
            double expected = it.path("price").asDouble() * it.path("quantity").asDouble() * m;
            if (Math.abs(it.path("total").asDouble() - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
                return "total " + it.path("total") + " != " + expected + " for " + it;
            }
        }
        return null;
    }

    /**
     * The anti-pre-cache probe: prime every encoding with the original reset.css, rewrite the
     * file and its .gz/.br siblings with a unique marker while the server runs, and require every
     * encoding to serve the marker within the validator's 30 s grace.
     */
    private void staticFreshness(String base, Path staticDir, String[] tls) throws Exception {
        Path file = staticDir.resolve("reset.css");
        for (String e : new String[] {"identity", "gzip", "br"}) {
            curl(join(tls, "-H", "Accept-Encoding: " + e, "-o", "/dev/null", base + "/static/reset.css"));
        }
        String token = "HTTPARENA_FRESHNESS_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        byte[] marker = ("/* " + token + " */").getBytes(StandardCharsets.US_ASCII);
        boolean hasGz = Files.exists(staticDir.resolve("reset.css.gz"));
        boolean hasBr = Files.exists(staticDir.resolve("reset.css.br"));
        Files.write(file, marker);
        if (hasGz) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (OutputStream o = new GZIPOutputStream(gz)) {
                o.write(marker);
            }
            Files.write(staticDir.resolve("reset.css.gz"), gz.toByteArray());
        }
        String python = "/usr/bin/python3";
        if (hasBr) {
            requirePythonBrotli(python);
            // Written by python itself: Processes hands stdout back as text, which would mangle binary.
            var br = Processes.run(List.of(python, "-c", "import sys,brotli; open(sys.argv[1], 'wb').write(brotli.compress(sys.stdin.buffer.read()))",
                    staticDir.resolve("reset.css.br").toString()), Duration.ofSeconds(30), marker);
            assertThat(br.exitCode()).as(br.stderr()).isZero();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String stale;
        do {
            stale = "";
            for (String e : new String[] {"identity", "gzip", "br"}) {
                if ((e.equals("gzip") && !hasGz) || (e.equals("br") && !hasBr)) {
                    continue;
                }
                Path hdr = Files.createTempFile("arena-hdr", ".txt");
                Path body = Files.createTempFile("arena-body", ".bin");
                curl(join(tls, "-H", "Accept-Encoding: " + e, "-D", hdr.toString(), "-o", body.toString(), base + "/static/reset.css"));
                String coding = Files.readAllLines(hdr, StandardCharsets.ISO_8859_1).stream()
                        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-encoding:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT)).findFirst().orElse("");
                byte[] bytes = Files.readAllBytes(body);
                String decoded = switch (coding) {
                    case "gzip" -> new String(new GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes(),
                            StandardCharsets.ISO_8859_1);
                    case "br" -> Processes.run(List.of(python, "-c", "import sys,brotli; "
                            + "sys.stdout.buffer.write(brotli.decompress(sys.stdin.buffer.read()))"), Duration.ofSeconds(30), bytes).stdout();
                    default -> new String(bytes, StandardCharsets.ISO_8859_1);
                };
                Files.delete(hdr);
                Files.delete(body);
                if (!decoded.contains(token)) {
                    stale += " [Accept-Encoding:" + e + " -> Content-Encoding:" + (coding.isEmpty() ? "none" : coding) + " stale]";
                }
            }
            if (!stale.isEmpty()) {
                Thread.sleep(1000);
            }
        } while (!stale.isEmpty() && System.nanoTime() < deadline);
        if (stale.isEmpty()) {
            passed++;
        } else {
            failures.add("static-h2 freshness: never reflected the on-disk change within 30 s" + stale);
        }
    }

    private static void requirePythonBrotli(String python) throws Exception {
        if (Processes.run(List.of(python, "-c", "import brotli"), Duration.ofSeconds(30)).exitCode() != 0) {
            var install = Processes.run(List.of("sh", "-c", "(apt-get install -y -q python3-brotli || (apt-get update -q && "
                    + "apt-get install -y -q python3-brotli)) </dev/null"), Duration.ofMinutes(4));
            Assumptions.assumeTrue(Processes.run(List.of(python, "-c", "import brotli"), Duration.ofSeconds(30)).exitCode() == 0,
                    "python3-brotli is not available and could not be installed: " + install.stderr());
        }
    }

    // ---- assert.sh's helpers ---------------------------------------------------------------------

    /** wait_h2: up to 15 tries a second apart for the TLS port to answer over HTTP/2. */
    private boolean waitH2(String base) throws Exception {
        for (int i = 0; i < 15; i++) {
            if (curl("-sk", "--http2", "-o", "/dev/null", base + "/baseline2?a=1&b=1").exitCode() == 0) {
                return true;
            }
            Thread.sleep(1000);
        }
        failures.add("HTTPS port " + base + " not responding");
        return false;
    }

    /** check: the last line of the head-and-body output is the expected body. */
    private void checkBody(String label, String expected, String... args) throws Exception {
        String out = curlOut(join(new String[] {"-D-"}, args));
        String[] lines = out.split("\n", -1);
        String last = lines[lines.length - 1];
        if (last.equals(expected)) {
            passed++;
        } else {
            failures.add(label + ": expected body '" + expected + "', got '" + last + "'");
        }
    }

    /** check_header: equal, or the expected type followed by parameters; text/javascript counts as application/javascript. */
    private void checkHeader(String label, String name, String expected, String... args) throws Exception {
        String head = curlOut(join(new String[] {"-D-", "-o", "/dev/null"}, args));
        String value = head.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
        String normValue = value.replace("text/javascript", "application/javascript");
        String normExpected = expected.replace("text/javascript", "application/javascript");
        if (normValue.equals(normExpected) || normValue.startsWith(normExpected + ";")) {
            passed++;
        } else {
            failures.add(label + ": expected " + name + " '" + expected + "', got '" + value + "'");
        }
    }

    private void checkStatus(String label, String expected, String... args) throws Exception {
        expectEqual(label, expected, curlOut(join(args, "-o", "/dev/null", "-w", "%{http_code}")));
    }

    private void expectEqual(String label, String expected, String actual) {
        if (expected.equals(actual)) {
            passed++;
        } else {
            failures.add(label + ": expected '" + expected + "', got '" + actual + "'");
        }
    }

    private static Processes.Result curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30"));
        command.addAll(List.of(args));
        return Processes.run(command, Duration.ofSeconds(45));
    }

    private static String curlOut(String... args) throws Exception {
        return curl(args).stdout().replace("\r", "");
    }

    private static String[] join(String[] first, String... rest) {
        return Stream.concat(Stream.of(first), Stream.of(rest)).toArray(String[]::new);
    }

    /** A private copy of the shared HttpArena data: the freshness probe rewrites files. */
    private static Path copyArenaData(Path target) throws Exception {
        Path source = Path.of("..", "shared", "arena-data");
        if (!Files.isDirectory(source)) {
            source = Path.of("..", "..", "shared", "arena-data");
        }
        Assumptions.assumeTrue(Files.isRegularFile(source.resolve("dataset.json")), "HttpArena data not found at ../shared/arena-data");
        Files.createDirectories(target.resolve("static"));
        Path from = source;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }
}
