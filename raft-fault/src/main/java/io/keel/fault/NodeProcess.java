package io.keel.fault;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code keel-kv server} process of the test, in its place on the {@link Network}: started
 * from a configuration file the test writes, killed with SIGKILL, paused with SIGSTOP and resumed
 * with SIGCONT, restarted on the same data, or wiped and started empty to join again. Its output
 * goes to a log file per start, kept when the test fails. A process that ends when the nemesis did
 * not kill it is a finding ({@link #unexpectedExit()}).
 */
final class NodeProcess {

  private final int index;
  private final String id;
  private final Network network;
  private final Path dir;
  private final List<String> javaOptions;
  private Process process;
  private int starts;
  private boolean killedOnPurpose;
  private boolean paused;
  private String unexpectedExit;
  /** Set once the test stops the process at its end: an exit then is no finding. */
  private boolean stopping;

  NodeProcess(int index, Network network, Path dir, List<String> javaOptions) {
    this.index = index;
    this.id = "n" + (index + 1);
    this.network = network;
    this.dir = dir;
    this.javaOptions = List.copyOf(javaOptions);
  }

  /** The node's id, {@code n1} for index 0. */
  String id() {
    return id;
  }

  int index() {
    return index;
  }

  /** The node's data directory. */
  Path dataDir() {
    return dir.resolve("data");
  }

  /** Starts the node from {@code config} (the file's text); it must not be running. */
  synchronized void start(String config) throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(id + " is running");
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("node.conf");
    Files.writeString(file, config, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.keel.kv.cli.KeelKv", "server", "--config",
        file.toString()));
    starts++;
    File log = dir.resolve("node-" + starts + ".log").toFile();
    process = new ProcessBuilder(network.wrap(index, command)).redirectErrorStream(true)
        .redirectOutput(log).start();
    killedOnPurpose = false;
    paused = false;
  }

  /** SIGKILL, as a crash: no log is closed, nothing is flushed beyond what was fsynced. */
  synchronized void kill() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    killedOnPurpose = true;
    if (paused) {
      signal("CONT"); // a stopped process takes SIGKILL too, but resuming first keeps the books simple
    }
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    paused = false;
  }

  /** SIGSTOP: the process stops on the spot, its connections open but silent. */
  synchronized void pause() {
    if (process != null && process.isAlive() && !paused) {
      signal("STOP");
      paused = true;
    }
  }

  /** SIGCONT after {@link #pause()}. */
  synchronized void resume() {
    if (paused) {
      signal("CONT");
      paused = false;
    }
  }

  private void signal(String name) {
    try {
      // the shell's own kill: a machine without procps has no kill program
      Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + name + " to " + id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes the node's data (it must be stopped): the next start is an empty node. */
  synchronized void wipe() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(id + " is running");
    }
    FaultRunner.delete(dataDir());
  }

  /** Whether the process is running (paused counts as running). */
  synchronized boolean running() {
    noteExit();
    return process != null && process.isAlive();
  }

  synchronized boolean paused() {
    return paused;
  }

  /** Why the process ended without the nemesis killing it, if it did. */
  synchronized Optional<String> unexpectedExit() {
    noteExit();
    return Optional.ofNullable(unexpectedExit);
  }

  private void noteExit() {
    if (process != null && !process.isAlive() && !killedOnPurpose && unexpectedExit == null && !stopping) {
      unexpectedExit = id + " exited with status " + process.exitValue() + " (start " + starts + ", log "
          + dir.resolve("node-" + starts + ".log") + ")";
    }
  }

  /** Stops the process at the end of the test (SIGCONT first if paused, then SIGTERM, then SIGKILL). */
  synchronized void stop() throws InterruptedException {
    noteExit();
    stopping = true;
    if (process == null || !process.isAlive()) {
      return;
    }
    resume();
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
