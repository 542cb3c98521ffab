package io.keel.bench.limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the machine's limits: fsync after a 4 KiB append, and a loopback TCP round trip; with
 * {@code --bandwidth}, a second line with the rates of a sequential file write and of a loopback
 * TCP stream ({@link Bandwidth}).
 */
@Command(name = "limits", mixinStandardHelpOptions = true,
    description = "The median fsync after a 4 KiB append, and the median loopback TCP round trip of 64 bytes.")
public final class LimitsCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Where to measure fsync (default: the system temp dir).")
  Path dir;

  @Option(names = "--bandwidth",
      description = "Also measure the MB/s of a sequential file write (ended by one fsync) and of a loopback TCP stream, "
          + "each with --bandwidth-mb MB, and print them on a second line.")
  boolean bandwidth;

  @Option(names = "--bandwidth-mb", defaultValue = "512",
      description = "MB written to the disk and to the socket by --bandwidth (default ${DEFAULT-VALUE}).")
  long bandwidthMegabytes;

  @Override
  public Integer call() throws Exception {
    Path where = dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir;
    Files.createDirectories(where);
    MachineLimits.Figures figures = MachineLimits.measure(where);
    System.out.printf("limits fsync_p50_us=%.0f rtt_p50_us=%.0f fsync_plus_rtt_us=%.0f dir=%s%n",
        figures.fsyncP50Micros(), figures.rttP50Micros(), figures.fsyncP50Micros() + figures.rttP50Micros(), where);
    if (bandwidth) {
      Bandwidth.Figures rates = Bandwidth.measure(where, Math.max(1, bandwidthMegabytes) * 1_000_000);
      System.out.printf("bandwidth disk_write_mb_s=%.0f loopback_mb_s=%.0f mb=%d%n", rates.diskWriteMBps(),
          rates.loopbackMBps(), bandwidthMegabytes);
    }
    return 0;
  }
}
