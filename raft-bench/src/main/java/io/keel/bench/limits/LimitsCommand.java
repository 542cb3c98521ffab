package io.keel.bench.limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the machine's limits: fsync after a 4 KiB append, and a loopback TCP round trip. */
@Command(name = "limits", mixinStandardHelpOptions = true,
    description = "The median fsync after a 4 KiB append, and the median loopback TCP round trip of 64 bytes.")
public final class LimitsCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Where to measure fsync (default: the system temp dir).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path where = dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir;
    Files.createDirectories(where);
    MachineLimits.Figures figures = MachineLimits.measure(where);
    System.out.printf("limits fsync_p50_us=%.0f rtt_p50_us=%.0f fsync_plus_rtt_us=%.0f dir=%s%n",
        figures.fsyncP50Micros(), figures.rttP50Micros(), figures.fsyncP50Micros() + figures.rttP50Micros(), where);
    return 0;
  }
}
