package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * AUTO falls back to NIO, with one log line naming the cause, when io_uring cannot get its ring
 * memory: a child JVM runs as {@code nobody} under {@code prlimit --memlock=64:64}.
 *
 * <p>The child echoes one byte before it reports, so "comes up on NIO" means it served. It
 * needs root (to switch to {@code nobody}), {@code prlimit} and {@code setpriv} or
 * {@code runuser}, and assumes those.
 */
@Timeout(120)
class NioFallbackIntegrationTest {

    @Test
    void autoFallsBackToNioUnderATinyMemlockLimitAndSaysWhy() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to start the child as nobody");
        assumeTrue(ChildJvms.onPath("prlimit"), "needs prlimit (util-linux)");
        boolean setpriv = ChildJvms.onPath("setpriv");
        assumeTrue(setpriv || ChildJvms.onPath("runuser"), "needs setpriv or runuser (util-linux)");

        List<String> command = new ArrayList<>(List.of("prlimit", "--memlock=64:64"));
        if (setpriv) {
            command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        } else {
            command.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:-UsePerfData", // nobody may not write hsperfdata where root did
                "-cp", ChildJvms.location(Engine.class) + File.pathSeparator + ChildJvms.location(NioFallbackChild.class),
                NioFallbackChild.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("child exited; output:\n" + output).isTrue();
        assertThat(child.exitValue()).as("child exit code; output:\n" + output).isZero();
        assertThat(output).contains("BACKEND=" + Backend.NIO);
        assertThat(output).as("the reason names the limit").containsPattern("REASON=.*RLIMIT_MEMLOCK");
        assertThat(output).as("one log line says why").contains("running on NIO because io_uring is unavailable");
    }


}
