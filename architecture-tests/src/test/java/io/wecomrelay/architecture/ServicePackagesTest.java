package io.wecomrelay.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The package rules inside a service: its packages form no cycle, and only its root package wires. The root
 * package ({@code io.wecomrelay.<service>}) holds the application, the configuration classes, the
 * {@code *Properties} record and the adapters that are Spring Boot types (health indicators, runners); a feature
 * package ({@code io.wecomrelay.<service>.<feature>..}) gets plain values and records, so it neither sees a
 * {@code *Properties} class nor any Spring Boot type (Spring Framework, Kafka, Redis and Reactor types are fine).
 * A feature package does not reach back into the root package either: the root wires the features, never the
 * other way round. Applied to every service (the llm-worker's package is {@code io.wecomrelay.llm}).
 */
@AnalyzeClasses(packages = "io.wecomrelay", importOptions = ImportOption.DoNotIncludeTests.class)
class ServicePackagesTest {

    @ArchTest
    static final ArchRule ingressPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.ingress");

    @ArchTest
    static final ArchRule onlyTheIngressRootPackageWires = onlyTheRootPackageWires("io.wecomrelay.ingress");

    @ArchTest
    static final ArchRule ingressFeaturesDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.ingress");

    @ArchTest
    static final ArchRule processorPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.processor");

    @ArchTest
    static final ArchRule onlyTheProcessorRootPackageWires = onlyTheRootPackageWires("io.wecomrelay.processor");

    @ArchTest
    static final ArchRule processorFeaturesDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.processor");

    @ArchTest
    static final ArchRule llmWorkerPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.llm");

    @ArchTest
    static final ArchRule onlyTheLlmWorkerRootPackageWires = onlyTheRootPackageWires("io.wecomrelay.llm");

    @ArchTest
    static final ArchRule llmWorkerFeaturesDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.llm");

    @ArchTest
    static final ArchRule responderPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.responder");

    @ArchTest
    static final ArchRule onlyTheResponderRootPackageWires = onlyTheRootPackageWires("io.wecomrelay.responder");

    @ArchTest
    static final ArchRule responderFeaturesDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.responder");

    @ArchTest
    static final ArchRule connectorPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.connector");

    @ArchTest
    static final ArchRule onlyTheConnectorRootPackageWires = onlyTheRootPackageWires("io.wecomrelay.connector");

    @ArchTest
    static final ArchRule connectorFeaturesDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.connector");

    /** The relay tool: one package per command, the root only wires them into the command line. */
    @ArchTest
    static final ArchRule relayToolPackagesFormNoCycle = packagesFormNoCycle("io.wecomrelay.cli");

    @ArchTest
    static final ArchRule relayToolCommandsDependNotOnTheRootPackage = featuresDependNotOnTheRootPackage("io.wecomrelay.cli");

    /** Every package of the service, its root included, is a slice: a feature that needs the root closes a cycle. */
    static ArchRule packagesFormNoCycle(String service) {
        return slices().assignedFrom(new PackagesOf(service)).should().beFreeOfCycles();
    }

    static ArchRule onlyTheRootPackageWires(String service) {
        return noClasses().that().resideInAPackage(service + ".*..")
                .should().dependOnClassesThat(springBootOrSettings())
                .because("only " + service + " wires; its feature packages get plain values and records");
    }

    static ArchRule featuresDependNotOnTheRootPackage(String service) {
        return noClasses().that().resideInAPackage(service + ".*..")
                .should().dependOnClassesThat().resideInAPackage(service)
                .because("the root package of " + service + " wires its features, never the other way round");
    }

    private static DescribedPredicate<JavaClass> springBootOrSettings() {
        return resideInAPackage("org.springframework.boot..")
                .or(resideInAPackage("io.wecomrelay..").and(simpleNameEndingWith("Properties")))
                .as("Spring Boot types or *Properties classes");
    }

    /** One slice per package under {@code service}. */
    private record PackagesOf(String service) implements SliceAssignment {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.equals(service) || name.startsWith(service + ".") ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of " + service;
        }
    }
}
