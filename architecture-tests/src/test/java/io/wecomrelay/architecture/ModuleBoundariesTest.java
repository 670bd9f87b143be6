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

    private static final String[] SERVICES = {
        "io.wecomrelay.ingress..", "io.wecomrelay.processor..", "io.wecomrelay.llm..", "io.wecomrelay.responder..", "io.wecomrelay.connector.."};

    private static final String REDIS_SCRIPT = "org.springframework.data.redis.core.script.RedisScript";

    @ArchTest
    static final ArchRule schemasStaySpringFree = noClasses()
            .that().resideInAPackage("io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    @ArchTest
    static final ArchRule schemasDependOnNoService = noClasses()
            .that().resideInAPackage("io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.wecomrelay.ingress..", "io.wecomrelay.processor..", "io.wecomrelay.llm..", "io.wecomrelay.responder..", "io.wecomrelay.connector..");

    @ArchTest
    static final ArchRule supportDependsOnNoService = noClasses()
            .that().resideInAPackage("io.wecomrelay.support..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.wecomrelay.ingress..", "io.wecomrelay.processor..", "io.wecomrelay.llm..", "io.wecomrelay.responder..", "io.wecomrelay.connector..");

    @ArchTest
    static final ArchRule servicesDoNotDependOnEachOther = slices()
            .matching("io.wecomrelay.(ingress|processor|llm|responder|connector)..")
            .should().notDependOnEachOther();

    /** The relay tool's replay runs the processor's topology under the test driver: the one other user of Streams. */
    @ArchTest
    static final ArchRule onlyTheProcessorUsesKafkaStreams = noClasses()
            .that().resideOutsideOfPackages("io.wecomrelay.processor..", "io.wecomrelay.cli.replay..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..");

    /** The tool reuses the processor's rules and topology, never its Spring wiring, and no other service's code. */
    @ArchTest
    static final ArchRule theToolUsesOnlyTheProcessorsFeaturePackages = noClasses()
            .that().resideInAPackage("io.wecomrelay.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("io.wecomrelay.ingress..", "io.wecomrelay.llm..",
                    "io.wecomrelay.responder..", "io.wecomrelay.connector..", "io.wecomrelay.sim..", "io.wecomrelay.testkit..")
            .orShould().dependOnClassesThat().resideInAPackage("io.wecomrelay.processor")
            .orShould().dependOnClassesThat().resideInAPackage("org.springframework..");

    @ArchTest
    static final ArchRule noServiceUsesTheTool = noClasses()
            .that().resideInAnyPackage(SERVICES)
            .should().dependOnClassesThat().resideInAPackage("io.wecomrelay.cli..");

    /** One dead-letter scheme: services write dead letters through service-support's DeadLetterRecoverer/DeadLetterScheme. */
    @ArchTest
    static final ArchRule servicesDeadLetterOnlyThroughTheSharedScheme = noClasses()
            .that().resideInAnyPackage(SERVICES)
            .should().dependOnClassesThat().haveFullyQualifiedName(
                    "org.springframework.kafka.listener.DeadLetterPublishingRecoverer")
            .because("dead letters carry the one header scheme and counter of io.wecomrelay.support.deadletter");

    /** Producers never log record contents: services build their templates with service-support's KafkaTemplates. */
    @ArchTest
    static final ArchRule servicesBuildProducersOnlyThroughTheSharedTemplates = noClasses()
            .that().resideInAnyPackage(SERVICES)
            .should().dependOnClassesThat().haveFullyQualifiedName("org.springframework.kafka.core.DefaultKafkaProducerFactory")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.kafka.support.LoggingProducerListener")
            .because("io.wecomrelay.support.kafka.KafkaTemplates makes templates whose failed sends never log the value");

    /** One bots-file wiring: a service declares its BotsFileSettings; service-support loads and watches the file. */
    @ArchTest
    static final ArchRule servicesLoadTheBotsFileOnlyThroughTheSharedWiring = noClasses()
            .that().resideInAnyPackage(SERVICES)
            .should().callMethod("io.wecomrelay.support.bots.BotsFile", "load", "java.nio.file.Path",
                    "io.wecomrelay.schemas.bot.BotRegistryLoader", "io.micrometer.core.instrument.MeterRegistry")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("io.wecomrelay.support.bots.BotsFileWatcher")
            .because("io.wecomrelay.support.bots.BotsFileAutoConfiguration loads and watches the bots file of every "
                    + "service that declares its BotsFileSettings");

    /** Scripts are resource files read once by service-support's LuaScripts, never text in Java strings. */
    @ArchTest
    static final ArchRule redisScriptsOnlyThroughTheSharedLoader = noClasses()
            .that().resideOutsideOfPackage("io.wecomrelay.support.redis")
            .should().callMethod(REDIS_SCRIPT, "of", "java.lang.String")
            .orShould().callMethod(REDIS_SCRIPT, "of", "java.lang.String", "java.lang.Class")
            .orShould().callMethod(REDIS_SCRIPT, "of", "org.springframework.core.io.Resource")
            .orShould().callMethod(REDIS_SCRIPT, "of", "org.springframework.core.io.Resource", "java.lang.Class")
            .orShould().dependOnClassesThat().haveFullyQualifiedName(
                    "org.springframework.data.redis.core.script.DefaultRedisScript")
            .because("io.wecomrelay.support.redis.LuaScripts reads each script file once; a script built from a "
                    + "resource re-checks the jar entry on every call");

    @ArchTest
    static final ArchRule noServiceUsesTheSimulatorsOrTestkit = noClasses()
            .that().resideInAnyPackage("io.wecomrelay.ingress..", "io.wecomrelay.processor..",
                    "io.wecomrelay.llm..", "io.wecomrelay.responder..", "io.wecomrelay.connector..", "io.wecomrelay.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage("io.wecomrelay.sim..", "io.wecomrelay.testkit..");
}
