package io.ringbolt.server;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs external clients (curl, python3, wrk) with time limits, installing them when missing. */
final class Processes {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Processes() {
    }

    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(command, timeout, null);
    }

    static Result run(List<String> command, Duration timeout, byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeout + ": " + command);
        }
        return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * Makes sure {@code tool} is on the PATH, installing Debian package {@code aptPackage} with
     * apt-get when it is missing; aborts (skips) the test only when that is impossible.
     */
    static void require(String tool, String aptPackage) throws IOException, InterruptedException {
        if (onPath(tool)) {
            return;
        }
        String why = "not on PATH";
        if (onPath("apt-get")) {
            Result r = run(List.of("sh", "-c", "(apt-get install -y -q " + aptPackage + " || (apt-get update -q && apt-get install -y -q "
                    + aptPackage + ")) </dev/null"), Duration.ofMinutes(4));
            if (onPath(tool)) {
                return;
            }
            why = "apt-get install " + aptPackage + " failed (exit " + r.exitCode() + "): " + tail(r.stderr());
        }
        Assumptions.abort(tool + " is not available and could not be installed: " + why);
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(String s) {
        return s.length() > 300 ? s.substring(s.length() - 300) : s;
    }
}
