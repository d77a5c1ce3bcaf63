package io.ringbolt.server;

import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option values from the environment and a config file, below the command line: precedence is
 * flag &gt; {@code RINGBOLT_*} environment variable &gt; {@code --config} file &gt; built-in default.
 * Implemented once, as picocli's default-value provider, so every option of every subcommand
 * gets it.
 *
 * <p>An option's key is its longest name without the dashes ({@code --tls-cert} →
 * {@code tls-cert}); its environment variable is {@code RINGBOLT_} plus the key in upper case
 * with {@code -} as {@code _} ({@code RINGBOLT_TLS_CERT}). The file is Java properties format
 * with those keys. A key in the file that names no option of the subcommand is an error; other
 * {@code RINGBOLT_*} variables are ignored (the launcher has its own, e.g. {@code RINGBOLT_HEAP}).
 *
 * <p>Every value it supplies remembers where it came from, so a bad value is reported as
 * {@code RINGBOLT_PORT=abc (environment): not a number} or
 * {@code port=abc (file /etc/ringbolt.properties line 3): not a number}.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    /** Prefix of the environment variables. */
    static final String ENV_PREFIX = "RINGBOLT_";
    /** The option that names the file; also {@code RINGBOLT_CONFIG}. */
    static final String CONFIG_OPTION = "--config";

    /** Where a supplied value came from, for error messages. */
    record Origin(String name, String value, String where) {
        /** {@code name=value (where): reason}. */
        String describe(String reason) {
            return name + "=" + value + " (" + where + "): " + reason;
        }
    }

    /** One entry of the config file. */
    record FileEntry(String key, String value, int line) {
    }

    private final Map<String, String> env;
    private final Path file;
    private final Map<String, FileEntry> fileEntries;
    private final List<String> args;
    private final Map<String, Origin> supplied = new HashMap<>();

    private ConfigDefaults(Map<String, String> env, Path file, Map<String, FileEntry> fileEntries, List<String> args) {
        this.env = env;
        this.file = file;
        this.fileEntries = fileEntries;
        this.args = args;
    }

    /**
     * The provider for running {@code args} on {@code root}: reads the file named by
     * {@code --config} in {@code args} or by {@code RINGBOLT_CONFIG}, and checks its keys
     * against the options of the subcommand {@code args} selects.
     *
     * @throws IllegalArgumentException naming the key and source of what is wrong
     */
    static ConfigDefaults load(CommandLine root, Map<String, String> env, List<String> args) {
        String configArg = configArgument(args);
        Path file = null;
        if (configArg != null) {
            file = Path.of(configArg);
        } else if (env.get(ENV_PREFIX + "CONFIG") != null && !env.get(ENV_PREFIX + "CONFIG").isEmpty()) {
            file = Path.of(env.get(ENV_PREFIX + "CONFIG"));
        }
        Map<String, FileEntry> entries = Map.of();
        if (file != null) {
            try {
                entries = readFile(file);
            } catch (IllegalArgumentException e) {
                if (configArg != null) {
                    throw e;
                }
                // config=FILE (why) → RINGBOLT_CONFIG=FILE (environment): why
                String why = e.getMessage().substring(e.getMessage().indexOf(" (") + 2, e.getMessage().length() - 1);
                throw new IllegalArgumentException(new Origin(ENV_PREFIX + "CONFIG", file.toString(), "environment").describe(why), e);
            }
            CommandSpec target = selectedCommand(root, args);
            Set<String> known = new HashSet<>();
            for (OptionSpec o : target.options()) {
                if (suppliable(o)) {
                    known.add(key(o));
                }
            }
            for (FileEntry e : entries.values()) {
                if (!known.contains(e.key())) {
                    throw new IllegalArgumentException(e.key() + "=" + e.value() + " (file " + file + " line " + e.line()
                            + "): unknown key; " + target.qualifiedName() + " takes " + String.join(", ", known.stream().sorted().toList()));
                }
            }
        }
        return new ConfigDefaults(env, file, entries, List.copyOf(args));
    }

    /**
     * Sets up {@code root} for {@code args}: this provider, and parameter errors about supplied
     * values reported with their source. Returns null after printing why to {@code root}'s
     * error writer when the file is unusable.
     */
    static ConfigDefaults install(CommandLine root, Map<String, String> env, String... args) {
        ConfigDefaults config;
        try {
            config = load(root, env, List.of(args));
        } catch (IllegalArgumentException e) {
            root.getErr().println("ringbolt: " + e.getMessage());
            return null;
        }
        root.setDefaultValueProvider(config);
        root.setParameterExceptionHandler(config::onParameterError);
        return config;
    }

    private int onParameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        Origin origin = ex.getArgSpec() instanceof OptionSpec o ? origin(key(o)) : null;
        if (origin != null) {
            cl.getErr().println("ringbolt: " + origin.describe(conversionReason(ex)));
            return 2;
        }
        cl.getErr().println(ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, cl.getErr())) {
            cl.usage(cl.getErr());
        }
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String conversionReason(CommandLine.ParameterException ex) {
        Class<?> type = ex.getArgSpec().type();
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "not a number";
        }
        String msg = String.valueOf(ex.getMessage());
        int colon = msg.indexOf("': ");
        return colon >= 0 ? msg.substring(colon + 3) : msg;
    }

    private static final Pattern KEY_VALUE_REASON = Pattern.compile("([a-z0-9-]+)=(.*?) \\((.*)\\)", Pattern.DOTALL);

    /**
     * A setup error's {@code key=value (reason)} message, naming the value's source when it came
     * from the environment or the file ({@code RINGBOLT_LOG_LEVEL=loud (environment): expected ...}).
     */
    String explain(String message) {
        Matcher m = KEY_VALUE_REASON.matcher(String.valueOf(message));
        if (m.matches()) {
            Origin origin = origin(m.group(1));
            if (origin != null && origin.value().equals(m.group(2))) {
                return origin.describe(m.group(3));
            }
        }
        return message;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || !suppliable(option) || onCommandLine(option)) {
            return null;
        }
        String key = key(option);
        String envName = envName(key);
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            supplied.put(key, new Origin(envName, fromEnv, "environment"));
            return fromEnv;
        }
        FileEntry entry = fileEntries.get(key);
        if (entry != null) {
            supplied.put(key, new Origin(key, entry.value(), "file " + file + " line " + entry.line()));
            return entry.value();
        }
        return null;
    }

    /** Where the value of {@code key} came from, or null when it was not supplied here. */
    Origin origin(String key) {
        return supplied.get(key);
    }

    /** {@code --tls-cert} → {@code tls-cert}. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** {@code tls-cert} → {@code RINGBOLT_TLS_CERT}. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static boolean suppliable(OptionSpec o) {
        return !o.usageHelp() && !o.versionHelp() && !CONFIG_OPTION.equals(o.longestName());
    }

    private boolean onCommandLine(OptionSpec option) {
        for (String arg : args) {
            if ("--".equals(arg)) {
                return false;
            }
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")
                        || (name.length() == 2 && !name.startsWith("--") && arg.startsWith(name) && !arg.startsWith("--"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String configArgument(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ("--".equals(a)) {
                return null;
            }
            if (a.equals(CONFIG_OPTION)) {
                return i + 1 < args.size() ? args.get(i + 1) : null;
            }
            if (a.startsWith(CONFIG_OPTION + "=")) {
                return a.substring(CONFIG_OPTION.length() + 1);
            }
        }
        return null;
    }

    /** The subcommand {@code args} runs (the first argument naming one), else the root. */
    private static CommandSpec selectedCommand(CommandLine root, List<String> args) {
        CommandLine current = root;
        for (String a : args) {
            CommandLine sub = current.getSubcommands().get(a);
            if (sub != null) {
                current = sub;
            }
        }
        return current.getCommandSpec();
    }

    /**
     * Reads a properties file keeping each key's line: each logical line (with its
     * backslash continuations) is parsed by {@link Properties} itself, so escapes and separators
     * are exactly the format's.
     */
    static Map<String, FileEntry> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config=" + file + " (file not found)");
        } catch (IOException e) {
            throw new IllegalArgumentException("config=" + file + " (cannot read: " + e.getMessage() + ")");
        }
        Map<String, FileEntry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int first = i;
            String trimmed = lines.get(i).stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (endsWithContinuation(lines.get(i)) && i + 1 < lines.size()) {
                i++;
                logical.append('\n').append(lines.get(i));
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("config=" + file + " (line " + (first + 1) + ": " + e.getMessage() + ")");
            }
            for (String key : one.stringPropertyNames()) {
                FileEntry previous = entries.put(key, new FileEntry(key, one.getProperty(key).strip(), first + 1));
                if (previous != null) {
                    throw new IllegalArgumentException(key + "=" + one.getProperty(key) + " (file " + file + " line " + (first + 1)
                            + "): duplicate key, first set on line " + previous.line());
                }
            }
        }
        return entries;
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
