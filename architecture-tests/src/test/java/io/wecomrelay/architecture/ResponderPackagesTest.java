package io.wecomrelay.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The responder's feature packages ({@code delivery}, {@code materialize}, {@code outbox}, ...) take plain values
 * and records: only the root package binds settings and wires Spring Boot. And they form no cycle.
 */
@AnalyzeClasses(packages = "io.wecomrelay.responder", importOptions = ImportOption.DoNotIncludeTests.class)
class ResponderPackagesTest {

    private static final String FEATURES = "io.wecomrelay.responder.*..";

    @ArchTest
    static final ArchRule featurePackagesUseNoSpringBoot = noClasses()
            .that().resideInAPackage(FEATURES)
            .should().dependOnClassesThat().resideInAPackage("org.springframework.boot..");

    /** {@code ResponderProperties} and everything else in the root package, which wires the features. */
    @ArchTest
    static final ArchRule featurePackagesDependNotOnTheRootPackage = noClasses()
            .that().resideInAPackage(FEATURES)
            .should().dependOnClassesThat().resideInAPackage("io.wecomrelay.responder");

    @ArchTest
    static final ArchRule featurePackagesReadNoProperties = noClasses()
            .that().resideInAPackage(FEATURES)
            .should().dependOnClassesThat(resideInAPackage("io.wecomrelay..").and(simpleNameEndingWith("Properties")));

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices()
            .matching("io.wecomrelay.responder.(*)..")
            .should().beFreeOfCycles();
}
