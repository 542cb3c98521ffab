package io.keel.transport.netty.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the running JDK's own {@code keytool} in a working directory, with a timeout. */
final class Keytool {

  /** The password of every keystore the tests create. */
  static final String PASSWORD = "keel-test";

  private static final long TIMEOUT_SECONDS = 60;
  // Each call is a short-lived JVM: skip the optimising compiler and use the smallest collector.
  private static final List<String> JVM_FLAGS =
      List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC");

  private final Path directory;

  Keytool(Path directory) {
    this.directory = directory;
  }

  /** Runs keytool with {@code arguments}, failing with its output if it does not exit with 0. */
  void run(String logName, String... arguments) {
    Path executable = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(JVM_FLAGS);
    command.addAll(List.of(arguments));
    Path log = directory.resolve(logName + ".log");
    try {
      Process process = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool timed out after " + TIMEOUT_SECONDS + " s: "
            + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool exited with " + process.exitValue() + ": "
            + command + "\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + executable, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
