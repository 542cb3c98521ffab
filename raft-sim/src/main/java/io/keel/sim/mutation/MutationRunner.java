package io.keel.sim.mutation;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Applies one {@link Mutant} to a scratch copy of its source file, compiles it against the running
 * simulator's class path, and runs a budget of seeds in a child JVM whose class path puts the
 * mutated classes first: three-node seeds, then, if none failed, five-node seeds. Optionally it
 * also runs the core's own test suite on a scratch copy of the repository with the mutant applied.
 */
final class MutationRunner {

  /** How one child run of the simulator went. */
  private record Pass(int nodes, long seedsRun, long firstFailingSeed, String violation) {}

  private static final Pattern FAILED_SEEDS = Pattern.compile("\"failed_seeds\":\\[(\\d+)");
  private static final Pattern SEEDS = Pattern.compile("\"seeds\":(\\d+)");
  private static final Pattern VIOLATION = Pattern.compile("\"first_violation\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Path repository;
  private final Path scratch;
  private final String classPath;
  private final List<String> simulatorOptions;
  private final long seedsPerClusterSize;

  MutationRunner(Path repository, Path scratch, String classPath, List<String> simulatorOptions,
      long seedsPerClusterSize) {
    this.repository = repository;
    this.scratch = scratch;
    this.classPath = classPath;
    this.simulatorOptions = simulatorOptions;
    this.seedsPerClusterSize = seedsPerClusterSize;
  }

  /** Runs {@code mutant}; with {@code coreTests}, the core's tests too. */
  MutantOutcome run(Mutant mutant, boolean coreTests) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Path classes = compile(mutant);
    long seedsRun = 0;
    Pass found = null;
    for (int nodes : new int[] {3, 5}) {
      Pass pass = simulate(classes, nodes);
      if (pass.firstFailingSeed() > 0) {
        seedsRun += pass.firstFailingSeed();
        found = pass;
        break;
      }
      seedsRun += pass.seedsRun();
    }
    Boolean tests = coreTests ? coreTestsFail(mutant) : null;
    String failure = found == null ? null : "--nodes " + found.nodes() + " --seed " + found.firstFailingSeed();
    return new MutantOutcome(mutant, found != null, seedsRun, failure, found == null ? null : found.violation(),
        tests, (System.nanoTime() - start) / 1e9);
  }

  /** Compiles the mutated file into a fresh directory of classes; fails naming the compiler's complaint. */
  private Path compile(Mutant mutant) throws IOException {
    Path source = repository.resolve(mutant.file());
    String mutated = mutant.applyTo(Files.readString(source, StandardCharsets.UTF_8));
    Path dir = scratch.resolve(mutant.name());
    Path sources = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Path copy = sources.resolve(source.getFileName().toString());
    Files.createDirectories(sources);
    Files.createDirectories(classes);
    Files.writeString(copy, mutated, StandardCharsets.UTF_8);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("no Java compiler: run the mutation score on a JDK, not a JRE");
    }
    StringWriter errors = new StringWriter();
    boolean ok = compiler.getTask(errors, null, null,
        List.of("-d", classes.toString(), "-cp", classPath, "--release", "17", "-proc:none", "-nowarn"), null,
        compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(copy.toFile()))
        .call();
    if (!ok) {
      throw new IllegalArgumentException("mutant " + mutant.name() + " does not compile:\n" + errors);
    }
    return classes;
  }

  private Pass simulate(Path classes, int nodes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp",
        classes + File.pathSeparator + classPath, "io.keel.sim.cli.SimCommand",
        "--seeds", Long.toString(seedsPerClusterSize), "--nodes", Integer.toString(nodes),
        "--json", "--stop-on-failure"));
    command.addAll(simulatorOptions);
    String output = runChild(command, scratch.resolve("sim-output.txt"), 60);
    String last = output.strip().lines().reduce((first, second) -> second).orElse("");
    Matcher seeds = SEEDS.matcher(last);
    if (!seeds.find()) {
      throw new IllegalStateException("the simulator printed no totals:\n" + output);
    }
    Matcher failed = FAILED_SEEDS.matcher(last);
    Matcher violation = VIOLATION.matcher(last);
    if (failed.find() && violation.find()) {
      return new Pass(nodes, Long.parseLong(seeds.group(1)), Long.parseLong(failed.group(1)),
          violation.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return new Pass(nodes, Long.parseLong(seeds.group(1)), 0, null);
  }

  /**
   * Copies the core and the build around it, applies the mutant, and runs the core's tests; true if
   * a test failed. A build that cannot run the tests at all is an error, not a catch.
   */
  private boolean coreTestsFail(Mutant mutant) throws IOException, InterruptedException {
    Path copy = scratch.resolve(mutant.name()).resolve("repository");
    for (String part : List.of("pom.xml", "mvnw", ".mvn", "raft-core")) {
      copyTree(repository.resolve(part), copy.resolve(part));
    }
    Path file = copy.resolve(mutant.file());
    Files.writeString(file, mutant.applyTo(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    // The core's own pom, so that Maven does not look for the modules left out of the copy.
    List<String> command = List.of(copy.resolve("mvnw").toString(), "-B", "-o", "-f",
        copy.resolve("raft-core/pom.xml").toString(), "test");
    Path log = scratch.resolve(mutant.name()).resolve("core-tests.txt");
    Process process = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the core's tests on mutant " + mutant.name() + " ran over an hour");
    }
    if (process.exitValue() == 0) {
      return false;
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (output.contains("There are test failures") || output.contains("There was a timeout")) {
      return true;
    }
    throw new IllegalStateException("the core's tests on mutant " + mutant.name() + " could not run; see " + log);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (path.toString().contains(File.separator + "target" + File.separator) || path.endsWith("target")) {
          continue;
        }
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static String runChild(List<String> command, Path log, int timeoutMinutes)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the simulator ran over " + timeoutMinutes + " minutes: " + command);
    }
    try (InputStream in = Files.newInputStream(log)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
