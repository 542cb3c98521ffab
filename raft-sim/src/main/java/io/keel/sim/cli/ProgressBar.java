package io.keel.sim.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA, redrawn in place on a terminal; silent otherwise, so
 * that output piped to a file or another program holds only results.
 */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream terminal;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;
  private boolean drawn;

  /** A bar drawn on {@code terminal}, or a silent one if it is null. */
  ProgressBar(PrintStream terminal) {
    this.terminal = terminal;
  }

  void update(long done, long total, long violations, long livelocks) {
    if (terminal == null) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDrawNanos < 200_000_000L) {
      return;
    }
    lastDrawNanos = now;
    double seconds = (now - startNanos) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    long etaSeconds = rate > 0 ? (long) ((total - done) / rate) : 0;
    int filled = (int) (WIDTH * done / Math.max(1, total));
    terminal.print(String.format(Locale.ROOT, "\r[%s%s] %,d/%,d seeds  %.1f seeds/s  ETA %dm%02ds  %d violations  %d livelocks ",
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate, etaSeconds / 60, etaSeconds % 60,
        violations, livelocks));
    terminal.flush();
    drawn = true;
  }

  void clear() {
    if (terminal != null && drawn) {
      terminal.print("\r" + " ".repeat(WIDTH + 100) + "\r");
      terminal.flush();
      drawn = false;
    }
  }
}
