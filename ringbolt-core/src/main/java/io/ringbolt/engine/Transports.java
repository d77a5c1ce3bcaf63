package io.ringbolt.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The backend factory: finds the {@link Transport} of a backend through
 * {@link ServiceLoader}, so that this package names no backend class and the backends, which
 * build on this package, form no cycle with it (DESIGN §1). The module declares the providers
 * ({@code provides Transport with ...}); on the class path {@code META-INF/services} does.
 */
final class Transports {
    /** Loaded once: a provider is stateless until it starts a server. */
    private static final Map<Backend, Transport> BY_BACKEND = load();

    private Transports() {
    }

    private static Map<Backend, Transport> load() {
        Map<Backend, Transport> found = new EnumMap<>(Backend.class);
        for (Transport t : ServiceLoader.load(Transport.class, Transports.class.getClassLoader())) {
            found.putIfAbsent(t.backend(), t);
        }
        return found;
    }

    /** Why {@code backend} cannot run with {@code config}, or null when it can. */
    static String unavailabilityCause(Backend backend, EngineConfig config) {
        Transport t = BY_BACKEND.get(backend);
        return t == null ? "no provider of io.ringbolt.engine.Transport for it is installed" : t.unavailabilityCause(config);
    }

    /**
     * The transport of {@code backend} ({@link Backend#IO_URING} or {@link Backend#NIO}).
     *
     * @throws BackendUnavailableException when no provider for it is installed
     */
    static Transport of(Backend backend) {
        Transport t = BY_BACKEND.get(backend);
        if (t == null) {
            throw new BackendUnavailableException("backend=" + backend.displayName()
                    + " unavailable: no provider of io.ringbolt.engine.Transport for it (module path or META-INF/services)");
        }
        return t;
    }
}
