package io.wecomrelay.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules of the architecture, checked where every service module is on one classpath.
 * Services share only {@code schemas} and {@code service-support}; {@code schemas} stays plain Java.
 */
@AnalyzeClasses(packages = "io.wecomrelay", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

    @ArchTest
    static final ArchRule schemasStaySpringFree = noClasses()
            .that().resideInAPackage("io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    @ArchTest
    static final ArchRule schemasDependOnNoService = noClasses()
            .that().resideInAPackage("io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.wecomrelay.ingress..", "io.wecomrelay.processor..", "io.wecomrelay.llm..", "io.wecomrelay.responder..");

    @ArchTest
    static final ArchRule supportDependsOnNoService = noClasses()
            .that().resideInAPackage("io.wecomrelay.support..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.wecomrelay.ingress..", "io.wecomrelay.processor..", "io.wecomrelay.llm..", "io.wecomrelay.responder..");

    @ArchTest
    static final ArchRule servicesDoNotDependOnEachOther = slices()
            .matching("io.wecomrelay.(ingress|processor|llm|responder)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule onlyTheProcessorUsesKafkaStreams = noClasses()
            .that().resideOutsideOfPackage("io.wecomrelay.processor..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..");

    @ArchTest
    static final ArchRule noServiceUsesTheSimulatorsOrTestkit = noClasses()
            .that().resideInAnyPackage("io.wecomrelay.ingress..", "io.wecomrelay.processor..",
                    "io.wecomrelay.llm..", "io.wecomrelay.responder..", "io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage("io.wecomrelay.sim..", "io.wecomrelay.testkit..");
}
