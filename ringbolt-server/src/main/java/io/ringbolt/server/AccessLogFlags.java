package io.ringbolt.server;

import io.ringbolt.http.AccessLog;
import io.ringbolt.http.AccessLogFormat;
import io.ringbolt.http.Router;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * {@code --access-log FILE|-} and {@code --access-log-format combined|json} for {@code serve}:
 * one line per finished request through {@link AccessLog}, reopened on SIGHUP (logrotate's
 * {@code postrotate}: {@code kill -HUP <pid>}).
 */
final class AccessLogFlags {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.server");

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "Append one line per request to FILE (or standard output for -); SIGHUP reopens it. Off by default.")
    String target;

    @Option(names = "--access-log-format", paramLabel = "combined|json",
            description = "Access log line format: Apache/nginx combined, or JSON lines (default: ${DEFAULT-VALUE}).",
            defaultValue = "combined")
    String format;

    /**
     * Registers the access log on {@code router} when {@code --access-log} was given: opens the
     * file, installs the SIGHUP handler and a shutdown hook that writes what is queued.
     *
     * @return the log, or null when off
     */
    AccessLog install(Router router) throws IOException {
        AccessLogFormat f = AccessLogFormat.parse(format);
        if (target == null) {
            return null;
        }
        AccessLog log = AccessLog.open(target, f);
        router.onComplete(log);
        boolean hup = Sighup.install(log::reopen);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ringbolt-access-log-close").unstarted(log::close));
        LOG.log(System.Logger.Level.INFO, "serve: access log " + target + " (" + f.name().toLowerCase(java.util.Locale.ROOT) + ")"
                + (hup ? "; SIGHUP reopens it" : "; SIGHUP unavailable, no reopen on signal"));
        return log;
    }
}
