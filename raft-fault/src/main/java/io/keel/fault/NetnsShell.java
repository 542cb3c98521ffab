package io.keel.fault;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's {@code ip} and {@code nft} tools for {@link NamespaceNetwork}: each command with
 * a time limit, its standard error merged into its output, and its exit code kept.
 */
final class NetnsShell {

  /** How a command ended: its exit code (-1 when it was killed for taking too long) and output. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin",
      "/bin");

  private final String ip;
  private final String nft;

  private NetnsShell(String ip, String nft) {
    this.ip = ip;
    this.nft = nft;
  }

  /** The shell, when {@code ip} and {@code nft} are installed (on the PATH or in the system directories). */
  static Optional<NetnsShell> find() {
    Optional<String> ip = executable("ip");
    Optional<String> nft = executable("nft");
    if (ip.isEmpty() || nft.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NetnsShell(ip.get(), nft.get()));
  }

  /** Whether this process runs with effective user id 0, as {@code /proc/self/status} says. */
  static boolean runningAsRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).trim().split("\\s+");
          return ids.length > 1 && ids[1].equals("0");
        }
      }
    } catch (IOException e) {
      // No /proc: not Linux, so no namespaces either.
    }
    return false;
  }

  private static Optional<String> executable(String name) {
    Set<String> directories = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      directories.addAll(List.of(path.split(File.pathSeparator)));
    }
    directories.addAll(SYSTEM_DIRECTORIES);
    for (String directory : directories) {
      Path candidate = Path.of(directory.isEmpty() ? "." : directory, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath().toString());
      }
    }
    return Optional.empty();
  }

  /** The {@code ip} tool's path. */
  String ip() {
    return ip;
  }

  /** Runs {@code ip args}. */
  Result ip(String... args) {
    return run(prefixed(List.of(ip), args), "");
  }

  /** Runs {@code ip args}; throws with its output when it fails. */
  void ipOrThrow(String... args) throws IOException {
    orThrow(prefixed(List.of(ip), args), "");
  }

  /** Runs {@code nft -f -} on {@code script} in the root namespace (when {@code namespace} is null) or in {@code namespace}. */
  Result nftScript(String namespace, String script) {
    List<String> command = namespace == null ? List.of(nft, "-f", "-") : List.of(ip, "netns", "exec", namespace, nft,
        "-f", "-");
    return run(command, script);
  }

  /** Runs {@code nft args} in the root namespace. */
  Result nft(String... args) {
    return run(prefixed(List.of(nft), args), "");
  }

  /** Like {@link #nftScript} but throws with nft's output when it fails. */
  void nftScriptOrThrow(String namespace, String script) throws IOException {
    Result result = nftScript(namespace, script);
    if (!result.ok()) {
      throw new IOException("nft in " + (namespace == null ? "the root namespace" : namespace) + " failed ("
          + result.exitCode() + "): " + result.output().trim() + "; script:\n" + script);
    }
  }

  private void orThrow(List<String> command, String input) throws IOException {
    Result result = run(command, input);
    if (!result.ok()) {
      throw new IOException(String.join(" ", command) + " failed (" + result.exitCode() + "): "
          + result.output().trim());
    }
  }

  private static List<String> prefixed(List<String> prefix, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code command} with {@code input} on its standard input; never throws, a failure to start is exit code 127. */
  static Result run(List<String> command, String input) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(127, e.getMessage());
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain = new Thread(() -> copy(process.getInputStream(), output), "netns-shell-output");
    drain.setDaemon(true);
    drain.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The command ended without reading its input: its exit code says what happened.
    }
    try {
      if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out after " + COMMAND_TIMEOUT);
      }
      drain.join(COMMAND_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
    synchronized (output) {
      return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      for (int count = in.read(buffer); count >= 0; count = in.read(buffer)) {
        synchronized (out) {
          out.write(buffer, 0, count);
        }
      }
    } catch (IOException e) {
      // The process was killed; what was read is kept.
    }
  }
}
