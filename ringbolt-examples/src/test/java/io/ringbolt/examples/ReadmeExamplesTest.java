package io.ringbolt.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's library guide honest: every {@code ```java} block of its "Using Ringbolt
 * as a library" part appears, line for line (indentation aside), in one example source of this
 * module, which the integration tests compile and run.
 */
class ReadmeExamplesTest {
    static final String PART = "## Using Ringbolt as a library";

    @Test
    void everyJavaBlockOfTheLibraryGuideIsInAnExample() throws IOException {
        List<List<String>> blocks = javaBlocks(Files.readAllLines(Path.of("..", "README.md")));
        assertThat(blocks).as("java blocks in '" + PART + "'").hasSizeGreaterThanOrEqualTo(7);
        List<List<String>> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/ringbolt/examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(Files.readAllLines(f).stream().map(String::strip).toList());
            }
        }
        for (List<String> block : blocks) {
            assertThat(sources).as("an example containing:\n" + String.join("\n", block))
                    .anySatisfy(source -> assertThat(containsRun(source, block)).isTrue());
        }
    }

    /** The ```java blocks of {@link #PART}, each as its stripped non-blank lines. */
    static List<List<String>> javaBlocks(List<String> readme) {
        List<List<String>> blocks = new ArrayList<>();
        boolean inPart = false;
        List<String> current = null;
        for (String line : readme) {
            if (line.startsWith("## ")) {
                inPart = line.strip().equals(PART);
            } else if (inPart && line.startsWith("```")) {
                if (current != null) {
                    blocks.add(current);
                    current = null;
                } else if (line.equals("```java")) {
                    current = new ArrayList<>();
                }
            } else if (current != null && !line.isBlank()) {
                current.add(line.strip());
            }
        }
        return blocks;
    }

    /** True if the non-blank lines of {@code source} contain {@code block} as a consecutive run. */
    static boolean containsRun(List<String> source, List<String> block) {
        List<String> lines = source.stream().filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i + block.size() <= lines.size(); i++) {
            if (lines.subList(i, i + block.size()).equals(block)) {
                return true;
            }
        }
        return false;
    }
}
