package io.ringbolt.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the README's code honest: every line it shows in some sections is compiled by a test. */
public final class ReadmeSnippets {
    private ReadmeSnippets() {
    }

    /**
     * Asserts that every non-blank line of the {@code ```java} blocks in {@code sections} of the
     * README appears (stripped) in {@code testSource}, a path relative to the module directory.
     */
    public static void assertShownCodeIsCompiledBy(String testSource, String... sections) throws IOException {
        Set<String> compiled = Files.readAllLines(Path.of(testSource)).stream().map(String::strip).collect(Collectors.toSet());
        List<String> shown = javaLines(Files.readAllLines(Path.of("..", "README.md")), sections);
        assertThat(shown).as("README examples").isNotEmpty();
        assertThat(shown).allSatisfy(line -> assertThat(compiled).as("README line compiled here").contains(line));
    }

    /** The stripped non-blank lines of the ```java blocks in the given sections. */
    static List<String> javaLines(List<String> readme, String... sections) {
        List<String> lines = new ArrayList<>();
        boolean inSection = false;
        boolean inCode = false;
        for (String line : readme) {
            if (line.startsWith("## ")) {
                inSection = Set.of(sections).contains(line.strip());
            } else if (inSection && line.startsWith("```")) {
                inCode = line.equals("```java");
            } else if (inSection && inCode && !line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }
}
