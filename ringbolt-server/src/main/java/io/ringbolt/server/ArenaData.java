package io.ringbolt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The HttpArena data directory: {@code dataset.json} (items for {@code /json/{count}}) and
 * {@code static/} (files for {@code /static/...}). Immutable once loaded; any thread.
 *
 * @param directory the data directory, or null when none was found
 * @param items     the dataset's items, in file order (empty without a dataset)
 */
record ArenaData(Path directory, List<Item> items) {

    /** One dataset item. Numbers are kept as written; {@code total} is computed per request. */
    record Item(long id, String name, String category, double price, double quantity, boolean active,
                List<String> tags, long ratingScore, long ratingCount) {
    }

    /** The directory that holds {@code static/}, or null. */
    Path staticDirectory() {
        if (directory == null) {
            return null;
        }
        Path s = directory.resolve("static");
        return Files.isDirectory(s) ? s : null;
    }

    /**
     * Finds the data directory: {@code explicit} when given (it must exist), else
     * {@code ../shared/arena-data} from the working directory, then from the repository root
     * above the app's jar ({@code ringbolt-server/target/*.jar}).
     *
     * @return the directory, or null when no default exists
     * @throws IllegalArgumentException when {@code explicit} is not a directory
     */
    static Path locate(Path explicit) {
        if (explicit != null) {
            if (!Files.isDirectory(explicit)) {
                throw new IllegalArgumentException("data-dir=" + explicit + " (not a directory)");
            }
            return explicit.toAbsolutePath().normalize();
        }
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(Path.of("..", "shared", "arena-data"));
        Path repoRoot = repositoryRootOfJar();
        if (repoRoot != null) {
            candidates.add(repoRoot.resolve("..").resolve("shared").resolve("arena-data"));
        }
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    private static Path repositoryRootOfJar() {
        try {
            var source = ArenaData.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            // .../<repo>/ringbolt-server/target/ringbolt-server.jar or .../target/classes
            Path target = jar.getParent();
            Path module = target == null ? null : target.getParent();
            return module == null ? null : module.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Loads {@code dataset.json} from {@code directory} (null: no data). */
    static ArenaData load(Path directory) throws IOException {
        if (directory == null) {
            return new ArenaData(null, List.of());
        }
        Path dataset = directory.resolve("dataset.json");
        if (!Files.isRegularFile(dataset)) {
            return new ArenaData(directory, List.of());
        }
        JsonNode root = new ObjectMapper().readTree(dataset.toFile());
        if (!root.isArray()) {
            throw new IOException("dataset=" + dataset + " (expected a JSON array of items)");
        }
        List<Item> items = new ArrayList<>(root.size());
        for (JsonNode n : root) {
            List<String> tags = new ArrayList<>();
            n.path("tags").forEach(t -> tags.add(t.asText()));
            JsonNode rating = n.path("rating");
            items.add(new Item(n.path("id").asLong(), n.path("name").asText(), n.path("category").asText(),
                    n.path("price").asDouble(), n.path("quantity").asDouble(), n.path("active").asBoolean(),
                    List.copyOf(tags), rating.path("score").asLong(), rating.path("count").asLong()));
        }
        return new ArenaData(directory, List.copyOf(items));
    }
}
