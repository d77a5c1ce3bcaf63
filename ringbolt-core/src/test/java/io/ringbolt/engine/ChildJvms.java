package io.ringbolt.engine;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** What tests that start a child JVM or a tool need: where classes come from, what is installed. */
public final class ChildJvms {
    private ChildJvms() {
    }

    /** True if {@code tool} is an executable on the PATH. */
    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** The class-path entry (directory or jar) a class was loaded from. */
    public static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The java launcher of the running JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
