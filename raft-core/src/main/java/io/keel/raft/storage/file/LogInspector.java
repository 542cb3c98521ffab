package io.keel.raft.storage.file;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code keel-log} command line: {@code inspect DIR} prints a log directory's hard state,
 * log start, segments (file, base index, entries, bytes, index and term ranges), the log's index
 * and term range, and any damage with its file and offset, saying whether opening the directory
 * would repair it or refuse. It only reads: it never repairs anything.
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
    Path dir = Path.of(args[1]);
    if (!Files.isDirectory(dir)) {
      err.println("keel-log: " + dir + " is not a directory");
      return 2;
    }
    LogRecovery.Plan plan;
    try {
      plan = LogRecovery.plan(dir);
    } catch (IOException e) {
      err.println("keel-log: cannot read " + dir + ": " + e);
      return 2;
    }
    print(plan, out);
    return plan.refusal() == null && plan.notes().isEmpty() ? 0 : 1;
  }

  private static void print(LogRecovery.Plan plan, PrintStream out) {
    out.println("log directory " + plan.dir());
    out.println("format version " + SegmentFormat.VERSION);
    out.println("hard state: " + (plan.hardState() == null ? "none" : "term " + plan.hardState().term()
        + ", voted for " + (plan.hardState().votedFor() == null ? "nobody" : plan.hardState().votedFor())));
    out.println("log start: after " + plan.start().index() + "@" + plan.start().term());
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
    if (plan.refusal() == null) {
      long first = plan.start().index() + 1;
      long last = plan.lastIndex();
      if (last >= first) {
        out.printf("log: indexes %d..%d (%d entries), terms %d..%d%n", first, last, last - first + 1,
            termAt(plan, first), termAt(plan, last));
      } else {
        out.println("log: empty after " + plan.start().index() + "@" + plan.start().term());
      }
    }
    for (String note : plan.notes()) {
      out.println("damage (repaired on open): " + note);
    }
    if (plan.refusal() != null) {
      out.println("damage (refuses to open): " + plan.refusal().getMessage());
      out.println("verdict: CORRUPT, the store will not open");
    } else {
      out.println(plan.notes().isEmpty() ? "verdict: clean" : "verdict: repairable, opening the store repairs it");
    }
  }

  private static long termAt(LogRecovery.Plan plan, long index) {
    for (SegmentScanner.Scan scan : plan.live()) {
      if (index >= scan.baseIndex() && index <= scan.lastIndex()) {
        return scan.termAt(index);
      }
    }
    return -1;
  }
}
