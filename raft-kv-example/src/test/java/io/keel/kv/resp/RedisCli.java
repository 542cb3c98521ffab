package io.keel.kv.resp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the unmodified {@code redis-cli} of the machine (Debian's redis-tools), as a user would. */
final class RedisCli {

  private RedisCli() {}

  /**
   * Skips the test where redis-cli is missing, except on CI ({@code CI=true}), where its absence is
   * a failure: {@code .ci/run} installs it.
   */
  static void assumeInstalled() {
    boolean installed;
    try {
      Process process = new ProcessBuilder("redis-cli", "--version").redirectErrorStream(true).start();
      installed = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      installed = false;
    }
    if (!installed && "true".equals(System.getenv("CI"))) {
      fail("redis-cli is not installed: .ci/run installs Debian's redis-tools");
    }
    Assumptions.assumeTrue(installed, "redis-cli is not installed (apt-get install redis-tools)");
  }

  /** What {@code redis-cli --no-raw -p PORT ARGS...} prints, lines joined by \n, without the last line break. */
  static String run(int port, String... args) {
    return run(port, null, args);
  }

  /** As {@link #run(int, String...)}, with {@code stdin} (for {@code -x}) and any options in {@code args}. */
  static String run(int port, byte[] stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--no-raw", "-h", "127.0.0.1", "-p",
        Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (stdin != null) {
        process.getOutputStream().write(stdin);
      }
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "redis-cli did not finish: " + command);
      return new String(output, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
