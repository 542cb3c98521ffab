package io.keel.bench.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.bench.SnapshotBytes;
import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catch-up benchmark's file-backed state machine: snapshot, restore and their point in time. */
class FileKvStateMachineTest {

  @TempDir Path dir;

  private static byte[] batch(long firstKey, int count) {
    return KvRecords.command(firstKey, count, 16, 100, 7);
  }

  @Test
  void a_snapshot_restored_into_an_empty_state_machine_gives_the_same_state() throws IOException {
    try (FileKvStateMachine leader = new FileKvStateMachine(dir.resolve("a"));
        FileKvStateMachine follower = new FileKvStateMachine(dir.resolve("b"))) {
      assertEquals(10L, leader.apply(1, batch(0, 10)));
      assertEquals(35L, leader.apply(2, batch(10, 25)));
      byte[] payload = SnapshotBytes.of(leader.snapshot());
      assertEquals(FileKvStateMachine.SNAPSHOT_HEADER_BYTES + 35L * 124, payload.length);

      follower.restore(2, new ByteArrayInputStream(payload));

      FileKvStateMachine.Summary expected = leader.summary();
      assertEquals(expected, follower.summary());
      assertEquals(1, follower.restores());
      assertEquals(35L * 124, follower.lastRestore().bytes());
      // and both go on alike
      leader.apply(3, batch(35, 5));
      follower.apply(3, batch(35, 5));
      assertEquals(leader.summary(), follower.summary());
    }
  }

  @Test
  void a_view_stands_for_the_state_when_it_was_taken_while_applying_goes_on() throws IOException {
    try (FileKvStateMachine machine = new FileKvStateMachine(dir.resolve("a"));
        FileKvStateMachine restored = new FileKvStateMachine(dir.resolve("b"))) {
      machine.apply(1, batch(0, 20));
      FileKvStateMachine.Summary atView = machine.summary();
      StateMachineSnapshot view = machine.snapshot();
      machine.apply(2, batch(20, 20));
      assertNotEquals(atView, machine.summary());

      restored.restore(1, new ByteArrayInputStream(SnapshotBytes.of(view)));

      assertEquals(atView, restored.summary());
    }
  }

  @Test
  void a_view_keeps_its_file_through_a_restore_and_the_file_goes_when_the_view_is_closed() throws IOException {
    Path state = dir.resolve("a");
    try (FileKvStateMachine machine = new FileKvStateMachine(state);
        FileKvStateMachine empty = new FileKvStateMachine(dir.resolve("empty"))) {
      machine.apply(1, batch(0, 3));
      byte[] before = SnapshotBytes.of(machine.snapshot());
      StateMachineSnapshot view = machine.snapshot();
      machine.restore(9, new ByteArrayInputStream(SnapshotBytes.of(empty.snapshot())));
      assertEquals(2, stateFiles(state).size(), "the old file stays while a view reads it: " + stateFiles(state));
      assertTrue(Arrays.equals(before, SnapshotBytes.of(view)));
      assertEquals(List.of("state-1"), stateFiles(state));
      assertEquals(0, machine.summary().records());
      assertEquals(9, machine.summary().appliedIndex());
    }
    assertEquals(List.of(), stateFiles(state));
  }

  @Test
  void a_cut_or_foreign_snapshot_is_refused_and_the_state_stays_as_it_was() throws IOException {
    try (FileKvStateMachine source = new FileKvStateMachine(dir.resolve("a"));
        FileKvStateMachine machine = new FileKvStateMachine(dir.resolve("b"))) {
      source.apply(1, batch(0, 10));
      byte[] payload = SnapshotBytes.of(source.snapshot());
      machine.apply(1, batch(100, 2));
      FileKvStateMachine.Summary before = machine.summary();

      byte[] cut = Arrays.copyOf(payload, payload.length - 1);
      assertThrows(IOException.class, () -> machine.restore(5, new ByteArrayInputStream(cut)));
      byte[] longer = Arrays.copyOf(payload, payload.length + 1);
      assertThrows(IOException.class, () -> machine.restore(5, new ByteArrayInputStream(longer)));
      byte[] foreign = payload.clone();
      foreign[0] ^= 1;
      assertThrows(IOException.class, () -> machine.restore(5, new ByteArrayInputStream(foreign)));

      assertEquals(before, machine.summary());
      assertEquals(0, machine.restores());
      assertEquals(List.of("state-0"), stateFiles(dir.resolve("b")), "the refused restores left no file");
    }
  }

  @Test
  void a_malformed_command_fails_alone_and_changes_nothing() throws IOException {
    try (FileKvStateMachine machine = new FileKvStateMachine(dir.resolve("a"))) {
      machine.apply(1, batch(0, 4));
      FileKvStateMachine.Summary before = machine.summary();
      byte[] bad = batch(4, 2);
      bad[KvRecords.HEADER_BYTES + 3] = 0; // the first record's key length: 0
      assertThrows(IllegalArgumentException.class, () -> machine.apply(2, bad));
      assertEquals(before, machine.summary());
    }
  }

  @Test
  void opening_deletes_the_state_files_an_earlier_run_left() throws IOException {
    Path state = dir.resolve("a");
    Files.createDirectories(state);
    Files.write(state.resolve("state-7"), new byte[100]);
    try (FileKvStateMachine machine = new FileKvStateMachine(state)) {
      assertEquals(List.of("state-0"), stateFiles(state));
      assertEquals(0, machine.summary().bytes());
    }
  }

  private static List<String> stateFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }
}
