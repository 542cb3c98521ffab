package io.keel.kv.server;

import io.keel.kv.config.StateMachineKind;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The node's data directory: one directory per group ({@code kv-0/log}, {@code kv-0/snapshots},
 * ...) and {@code keel-kv.properties}, which records how many groups the key space is hashed over
 * and where their state is kept. Keys are placed by that number, so a node refuses to start with
 * another: its data would be read under the wrong hash. It refuses another state machine too: its
 * snapshots would be read in the other's format, and its log replayed onto the wrong state. A
 * record from before the choice existed means {@code memory}.
 */
final class DataLayout {

  static final String FILE = "keel-kv.properties";

  private DataLayout() {}

  /**
   * Creates the directory and its record on first start; checks the record on every later one.
   *
   * @throws IOException if the directory cannot be made, or its record is damaged or says another
   *     number of groups or another state machine
   */
  static void check(Path dataDir, int groups, StateMachineKind stateMachine) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      Path temporary = dataDir.resolve(FILE + ".tmp");
      Files.writeString(temporary, "# written by keel-kv on first start: keys are placed by this number\ngroups="
          + groups + "\nstate-machine=" + stateMachine.configName() + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Properties recorded = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      recorded.load(in);
    }
    String value = recorded.getProperty("groups");
    if (value == null || !value.trim().equals(Integer.toString(groups))) {
      throw new IOException(file + " says groups=" + value + ", but the configuration says groups = " + groups
          + ": the key space of this node's data is hashed over the recorded number, which cannot change");
    }
    String kept = recorded.getProperty("state-machine", StateMachineKind.MEMORY.configName()).trim();
    if (!kept.equals(stateMachine.configName())) {
      throw new IOException(file + " says state-machine=" + kept + ", but the configuration says state-machine = "
          + stateMachine.configName() + ": this node's snapshots and log belong to the recorded one, which cannot"
          + " change (start a new node with the other, and replace this one)");
    }
  }
}
