package io.keel.sim.linearizability.cli;

import io.keel.sim.linearizability.BadHistoryException;
import io.keel.sim.linearizability.CheckLimits;
import io.keel.sim.linearizability.CheckResult;
import io.keel.sim.linearizability.LinearizabilityChecker;
import io.keel.sim.linearizability.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check-history FILE... [--timeout-s S] [--json]}: judges each history file, or each
 * {@code *.jsonl} file of a directory, in one process. Exits 0 if every history is linearizable,
 * 1 if any is not, and otherwise 2 if any was unknown or bad input.
 */
@Command(
    name = "check-history",
    mixinStandardHelpOptions = true,
    description = {
      "Checks key-value histories (JSON lines) for linearizability.",
      "A directory stands for the *.jsonl files in it.",
      "Exit status: 0 all linearizable, 1 some history not linearizable,"
          + " 2 otherwise some history unknown or bad input."
    })
public final class CheckHistoryCommand implements Callable<Integer> {

  /** Exit status when every history is linearizable. */
  public static final int EXIT_LINEARIZABLE = 0;
  /** Exit status when some history is not linearizable. */
  public static final int EXIT_NOT_LINEARIZABLE = 1;
  /** Exit status when no history is proven wrong but some could not be judged. */
  public static final int EXIT_UNDECIDED = 2;

  /** A year: longer bounds would overflow the nanosecond deadline arithmetic. */
  private static final double MAX_TIMEOUT_SECONDS = 365.0 * 24 * 3600;

  @Spec private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "history files or directories")
  private List<Path> inputs;

  @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "60",
      description = "time bound per history, in seconds (default ${DEFAULT-VALUE})")
  private double timeoutSeconds;

  @Option(names = "--json", description = "one JSON line per history instead of text")
  private boolean json;

  @Option(names = "--memo-mb", paramLabel = "MB",
      description = "memory bound of one key's search, in MiB (default: half the heap, shared"
          + " by the threads)")
  private Long memoMebibytes;

  @Override
  public Integer call() throws IOException {
    if (!(timeoutSeconds > 0 && timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
      throw new ParameterException(spec.commandLine(),
          "--timeout-s must be positive and at most " + (long) MAX_TIMEOUT_SECONDS);
    }
    if (memoMebibytes != null && memoMebibytes <= 0) {
      throw new ParameterException(spec.commandLine(), "--memo-mb must be positive");
    }
    List<Path> files = expand(inputs);
    if (files.isEmpty()) {
      // Checking nothing must not look like a pass.
      throw new ParameterException(spec.commandLine(), "no history files found in " + inputs);
    }
    CheckLimits limits =
        CheckLimits.withTimeout(Duration.ofNanos((long) (timeoutSeconds * 1e9)));
    if (memoMebibytes != null) {
      limits = limits.withMemoBytesPerKey(memoMebibytes << 20);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean anyNotLinearizable = false;
    boolean anyUndecided = false;
    try (LinearizabilityChecker checker = new LinearizabilityChecker(limits)) {
      for (Path file : files) {
        CheckResult result = checkOne(checker, file);
        out.print(json ? ResultReport.json(result) + "\n" : ResultReport.text(result));
        out.flush();
        anyNotLinearizable |= result.verdict() == Verdict.NOT_LINEARIZABLE;
        anyUndecided |= result.verdict() != Verdict.LINEARIZABLE;
      }
    }
    return anyNotLinearizable ? EXIT_NOT_LINEARIZABLE
        : anyUndecided ? EXIT_UNDECIDED
        : EXIT_LINEARIZABLE;
  }

  private static CheckResult checkOne(LinearizabilityChecker checker, Path file) {
    try {
      return checker.check(file);
    } catch (IOException e) {
      BadHistoryException unreadable =
          new BadHistoryException(file.toString(), 0, "cannot read the file: " + e);
      return new CheckResult(file.toString(), Verdict.BAD_INPUT, 0, 0, 0, List.of(), List.of(),
          unreadable);
    }
  }

  /** Files as given, directories replaced by their {@code *.jsonl} files in name order. */
  static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> listing = Files.list(input)) {
          listing
              .filter(path -> path.getFileName().toString().endsWith(".jsonl"))
              .filter(Files::isRegularFile)
              .sorted()
              .forEach(files::add);
        }
      } else {
        files.add(input);
      }
    }
    return files;
  }
}
