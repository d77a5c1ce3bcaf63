package io.ringbolt;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * DESIGN.md §1's layering of ringbolt-core, checked on the compiled main classes: only the
 * kernel-ABI package reaches native code, the memory and queue packages stand below the engine,
 * the layers built over connections (TLS, blocking streams) use the public API only, and no two
 * packages depend on each other in a cycle. {@code ringbolt-http} has its own
 * {@code HttpArchitectureTest} for the rules about HTTP.
 */
@AnalyzeClasses(packages = "io.ringbolt", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * {@code java.lang.foreign.Linker} (and its nested types) or {@code SymbolLookup}: the
     * door to native code, which DESIGN keeps inside {@code io.ringbolt.uring}.
     */
    static final DescribedPredicate<JavaClass> NATIVE_LINKING = new DescribedPredicate<>("are java.lang.foreign.Linker or SymbolLookup") {
        @Override
        public boolean test(JavaClass c) {
            String name = c.getName();
            return name.equals("java.lang.foreign.Linker") || name.startsWith("java.lang.foreign.Linker$")
                    || name.equals("java.lang.foreign.SymbolLookup");
        }
    };

    @ArchTest
    static final ArchRule onlyUringCallsTheLinker = noClasses()
            .that().resideOutsideOfPackage("io.ringbolt.uring")
            .should().dependOnClassesThat(NATIVE_LINKING)
            .because("only io.ringbolt.uring calls native code (DESIGN §1)");

    @ArchTest
    static final ArchRule buffersAndQueuesStandBelowTheEngine = noClasses()
            .that().resideInAnyPackage("io.ringbolt.buffer..", "io.ringbolt.concurrent..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ringbolt.engine..", "io.ringbolt.uring..")
            .because("off-heap memory and queues are below every engine layer (DESIGN §1)");

    @ArchTest
    static final ArchRule layersOverConnectionsUseThePublicApiOnly = noClasses()
            .that().resideInAnyPackage("io.ringbolt.engine.tls..", "io.ringbolt.engine.stream..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.ringbolt.engine.runtime..", "io.ringbolt.engine.uring..", "io.ringbolt.engine.nio..", "io.ringbolt.uring..")
            .because("TLS and blocking streams work on any Connection, accepted or connected, on any backend");

    @ArchTest
    static final ArchRule engineDoesNotImportItsBackends = noClasses()
            .that().resideInAPackage("io.ringbolt.engine")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.ringbolt.engine.runtime..", "io.ringbolt.engine.uring..", "io.ringbolt.engine.nio..")
            .because("Engine finds its backends through a factory (engine.Transports, a ServiceLoader), "
                    + "so the backends that build on the engine API form no cycle with it (DESIGN §1)");

    /** Strict: no package of ringbolt-core depends on another in a cycle (nothing is frozen). */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.ringbolt.(**)").should().beFreeOfCycles();
}
