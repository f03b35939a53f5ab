package dev.intuition.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Who may depend on whom (docs/architecture.md), checked on the compiled classes of every module:
 * no package cycles anywhere; the decoder depends on the JDK only; the wire model on the decoder and
 * Jackson's streaming parser; the server core on no framework and never on the Spring module; the
 * graph's model on nothing else of the core (storage depends on the graph, never the reverse); the
 * agent never on the server; the command line on picocli only. The decoder's own packages are checked as one module for now: its root
 * package holds both the model (Transaction, Endpoint) and the engine (TrafficDecoder), which its
 * subpackages use and are used by; splitting the two is part of the decoders' restructuring.
 */
class ArchitectureTest {
  static final JavaClasses PRODUCT = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("-tests.jar") // the core's test kit
          && !location.contains("/testsupport/"))
      .importPackages("dev.intuition");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.intuition.(**)").should().beFreeOfCycles()
        .check(PRODUCT.that(resideOutsideOfPackage("dev.intuition.decoder..")));
  }

  @Test
  void noModuleDependsOnItselfThroughOthers() {
    slices().matching("dev.intuition.(*)..").should().beFreeOfCycles().check(PRODUCT);
  }

  @Test
  void theDecoderUsesTheJdkOnly() {
    classes().that().resideInAPackage("dev.intuition.decoder..").should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.intuition.decoder..", "java..").check(PRODUCT);
  }

  @Test
  void theWireModelUsesTheDecoderAndJacksonsParserOnly() {
    classes().that().resideInAPackage("dev.intuition.wire..").should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.intuition.wire..", "dev.intuition.decoder..",
            "com.fasterxml.jackson.core..", "java..").check(PRODUCT);
  }

  @Test
  void theServerCoreUsesNoFrameworkAndNotTheSpringModule() {
    noClasses().that().resideInAPackage("dev.intuition.core..").should().dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "io.micrometer..", "jakarta..",
            "co.elastic..", "org.elasticsearch..", "org.apache..", "dev.intuition.server..",
            "dev.intuition.agent..").check(PRODUCT);
  }

  @Test
  void theGraphModelDependsOnNothingElseOfTheCore() {
    noClasses().that().resideInAPackage("dev.intuition.core.graph..").should()
        .dependOnClassesThat().resideInAnyPackage("dev.intuition.core.storage..",
            "dev.intuition.core.notice..", "dev.intuition.core.ingest..",
            "dev.intuition.core.inventory..", "dev.intuition.core.metrics..").check(PRODUCT);
  }

  @Test
  void theAgentNeverDependsOnTheServer() {
    noClasses().that().resideInAPackage("dev.intuition.agent..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.intuition.server..", "dev.intuition.core..").check(PRODUCT);
  }

  @Test
  void theCommandLineUsesPicocliOnly() {
    classes().that().resideInAPackage("dev.intuition.cli..").should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.intuition.cli..", "picocli..", "java..").check(PRODUCT);
  }
}
