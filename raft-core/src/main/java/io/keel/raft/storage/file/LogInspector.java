package io.keel.raft.storage.file;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code keel-log} command line: {@code inspect DIR} prints a log directory's format, hard
 * state, log start, manifest, segments (file, base index, entries, bytes, index and term ranges),
 * the log's index and term range, and every problem with its file and offset or missing entries,
 * saying whether opening the directory would repair it or refuse. It only reads: it never repairs
 * anything. Whatever the directory holds, it prints a report, never a stack trace.
 *
 * <p>Exit codes: 0 clean, 1 damage found (repairable or not), 2 usage error or unreadable
 * directory. Run it as
 * {@code java -cp raft-core/target/raft-core-0.1.0-SNAPSHOT.jar io.keel.raft.storage.file.LogInspector inspect DIR}.
 */
public final class LogInspector {

  static final String USAGE = "usage: keel-log inspect DIR    (print a log directory's segments, ranges and damage)";

  private LogInspector() {}

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !args[0].equals("inspect")) {
      err.println(USAGE);
      return 2;
    }
    Path dir;
    try {
      dir = Path.of(args[1]);
    } catch (InvalidPathException e) {
      err.println("keel-log: " + args[1] + " is not a valid path: " + e.getReason());
      return 2;
    }
    if (!Files.isDirectory(dir)) {
      err.println("keel-log: " + dir + " is not a directory");
      return 2;
    }
    try {
      LogRecovery.Plan plan = LogRecovery.plan(dir);
      print(plan, out);
      return plan.refusals().isEmpty() && plan.notes().isEmpty() ? 0 : 1;
    } catch (IOException e) {
      err.println("keel-log: cannot read " + dir + ": " + e);
      return 2;
    } catch (RuntimeException e) {
      // A report is owed whatever the directory holds; this names the failure without a stack trace.
      err.println("keel-log: internal error while inspecting " + dir + " (a bug; please report it): " + e);
      return 2;
    }
  }

  private static void print(LogRecovery.Plan plan, PrintStream out) {
    boolean known = plan.format() != LogRecovery.Format.UNKNOWN;
    out.println("log directory " + plan.dir());
    out.println("format " + formatOf(plan));
    out.println("hard state: " + (plan.hardState() == null ? (known ? "none" : "unknown")
        : "term " + plan.hardState().term() + ", voted for "
            + (plan.hardState().votedFor() == null ? "nobody" : plan.hardState().votedFor())));
    out.println("log start: " + (known ? "after " + plan.start() : "unknown"));
    if (plan.manifest() != null) {
      Manifest manifest = plan.manifest();
      out.println("manifest: newest segment " + (manifest.newestSegment() == 0 ? "none"
          : SegmentFormat.fileName(manifest.newestSegment())) + ", durable through " + manifest.durableIndex() + "@"
          + manifest.durableTerm());
    }
    out.println("lock file: " + (plan.lockMarked() ? "marked (a store has kept its log here)" : "not marked"));
    printSegments(plan, out);
    if (plan.refusals().isEmpty()) {
      long first = plan.start().index() + 1;
      long last = plan.lastIndex();
      if (last >= first) {
        out.printf("log: indexes %d..%d (%d entries), terms %d..%d%n", first, last, last - first + 1,
            plan.termAt(first), plan.termAt(last));
      } else {
        out.println("log: empty after " + plan.start());
      }
    }
    for (String note : plan.notes()) {
      out.println("damage (repaired on open): " + note);
    }
    for (CorruptLogException refusal : plan.refusals()) {
      out.println("damage (refuses to open): " + refusal.getMessage());
    }
    if (!plan.refusals().isEmpty()) {
      out.println("verdict: CORRUPT, the store will not open (" + plan.refusals().size() + " problem"
          + (plan.refusals().size() == 1 ? "" : "s") + ")");
    } else {
      out.println(plan.notes().isEmpty() ? "verdict: clean" : "verdict: repairable, opening the store repairs it");
    }
  }

  private static String formatOf(LogRecovery.Plan plan) {
    return switch (plan.format()) {
      case VERSION_2 -> "version " + Manifest.VERSION;
      case VERSION_1 -> "version 1 (no manifest): opening upgrades it to version " + Manifest.VERSION
          + "; a segment lost before the upgrade cannot be detected";
      case NEW -> "none yet: no log here, opening creates one";
      case UNKNOWN -> "unknown: no readable manifest";
    };
  }

  private static void printSegments(LogRecovery.Plan plan, PrintStream out) {
    out.println("segments: " + plan.scans().size());
    for (SegmentScanner.Scan scan : plan.scans()) {
      if (scan.header() == null) {
        out.printf("  %s  %d bytes  unreadable header%n", scan.file().getFileName(), scan.fileSize());
        continue;
      }
      int count = scan.offsets().size();
      out.printf("  %s  base %d  entries %d  bytes %d  indexes %s  terms %s%n", scan.file().getFileName(),
          scan.baseIndex(), count, scan.fileSize(),
          count == 0 ? "none" : scan.baseIndex() + ".." + scan.lastIndex(),
          count == 0 ? "none" : scan.terms().get(0) + ".." + scan.lastTerm());
    }
  }
}
