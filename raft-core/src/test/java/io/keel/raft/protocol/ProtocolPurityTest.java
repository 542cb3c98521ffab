package io.keel.raft.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The protocol stays pure (DESIGN.md): no threads, clocks, sockets, files, unseeded randomness or
 * mutable static state in the protocol and message packages.
 */
class ProtocolPurityTest {

  private static final String[] PURE_PACKAGES = {"io.keel.raft.protocol..", "io.keel.raft.message.."};

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.keel.raft");

  @Test
  void noThreadsOrConcurrencyPrimitives() {
    noClasses().that().resideInAnyPackage(PURE_PACKAGES)
        .should().dependOnClassesThat().areAssignableTo(Thread.class)
        .orShould().dependOnClassesThat().resideInAnyPackage("java.util.concurrent.locks..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executor")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ExecutorService")
        .because("the driver owns threads; the core is single-threaded logic")
        .check(CLASSES);
  }

  @Test
  void noClocks() {
    ArchRule rule = noClasses().that().resideInAnyPackage(PURE_PACKAGES)
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.LocalDateTime")
        .because("time is given to the core by tick(now), never read");
    rule.check(CLASSES);
  }

  @Test
  void noIo() {
    noClasses().that().resideInAnyPackage(PURE_PACKAGES)
        .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
        .because("all I/O happens behind Transport and LogStore")
        .check(CLASSES);
  }

  @Test
  void noUnseededRandomness() {
    noClasses().that().resideInAnyPackage(PURE_PACKAGES)
        .should().callConstructor(java.util.Random.class)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(java.util.UUID.class, "randomUUID")
        .because("every random choice comes from the node's seed")
        .check(CLASSES);
  }

  @Test
  void noMutableStaticState() {
    fields().that().areDeclaredInClassesThat().resideInAnyPackage(PURE_PACKAGES)
        .and().areStatic()
        .should().beFinal()
        .because("two nodes in one JVM (the simulator runs hundreds) must not share state")
        .check(CLASSES);
  }
}
