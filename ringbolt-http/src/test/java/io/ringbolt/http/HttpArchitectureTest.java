package io.ringbolt.http;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * DESIGN.md §1's rules for ringbolt-http, checked on its compiled main classes: HTTP is built on
 * the public engine API only (never on a backend, the shared runtime or the kernel ABI), reaches
 * no native code, and its packages have no cycles. ringbolt-core's own layering is checked by
 * {@code io.ringbolt.ArchitectureTest} there.
 */
@AnalyzeClasses(packages = "io.ringbolt.http", importOptions = ImportOption.DoNotIncludeTests.class)
class HttpArchitectureTest {

    @ArchTest
    static final ArchRule httpUsesThePublicEngineApiOnly = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.ringbolt.engine.uring..", "io.ringbolt.engine.nio..", "io.ringbolt.engine.runtime..", "io.ringbolt.uring..")
            .because("HTTP runs on any backend through io.ringbolt.engine (DESIGN §1)");

    @ArchTest
    static final ArchRule httpCallsNoNativeCode = noClasses()
            .should().dependOnClassesThat(describe("are java.lang.foreign.Linker or SymbolLookup", (JavaClass c) ->
                    c.getName().equals("java.lang.foreign.Linker") || c.getName().startsWith("java.lang.foreign.Linker$")
                            || c.getName().equals("java.lang.foreign.SymbolLookup")))
            .because("only io.ringbolt.uring calls native code (DESIGN §1)");

    /**
     * Frozen: today's one cycle (the codec uses {@code HttpMethod} and {@code HttpVersion} from
     * {@code io.ringbolt.http}, which uses the codec) is recorded in
     * {@code src/test/resources/archunit-store} and any other cycle fails. Moving those two
     * enums below the codec removes it, and the store empties itself on the next run.
     */
    @ArchTest
    static final ArchRule noPackageCycles = FreezingArchRule.freeze(slices().matching("io.ringbolt.(**)")
            .should().beFreeOfCycles());
}
