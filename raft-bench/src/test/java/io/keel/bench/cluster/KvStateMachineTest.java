package io.keel.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.bench.SnapshotBytes;
import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** W1's state machine: a snapshot is the map as it was when taken, and restores to the same map. */
class KvStateMachineTest {

  private static byte[] put(int key, int value) {
    byte[] command = new byte[KvStateMachine.KEY_BYTES + 4];
    command[15] = (byte) key;
    command[14] = (byte) (key >> 8);
    command[KvStateMachine.KEY_BYTES] = (byte) value;
    return command;
  }

  @Test
  void a_snapshot_is_the_map_when_it_was_taken_even_as_puts_go_on() throws IOException {
    KvStateMachine machine = new KvStateMachine();
    for (int key = 0; key < 1000; key++) {
      machine.apply(key + 1, put(key, 1));
    }
    StateMachineSnapshot view = machine.snapshot();
    KvStateMachine expected = new KvStateMachine();
    expected.restore(1000, new ByteArrayInputStream(SnapshotBytes.of(machine.snapshot())));
    for (int key = 0; key < 1500; key++) {
      machine.apply(2000 + key, put(key, 2)); // overwrites 1000 keys, adds 500
    }

    KvStateMachine restored = new KvStateMachine();
    restored.restore(1000, new ByteArrayInputStream(SnapshotBytes.of(view)));

    assertEquals(1000, restored.apply(5000, put(999, 1)), "the restored map holds exactly the 1000 first keys");
    assertArrayEquals(SnapshotBytes.of(expected.snapshot()), SnapshotBytes.of(restored.snapshot()));
  }

  @Test
  void a_restore_replaces_the_whole_map() throws IOException {
    KvStateMachine source = new KvStateMachine();
    source.apply(1, put(1, 1));
    source.apply(2, put(2, 1));
    byte[] payload = SnapshotBytes.of(source.snapshot());
    KvStateMachine machine = new KvStateMachine();
    for (int key = 10; key < 20; key++) {
      machine.apply(key, put(key, 3));
    }
    machine.restore(2, new ByteArrayInputStream(payload));
    assertEquals(2, machine.apply(3, put(2, 5)), "key 2 is there, restored");
    assertEquals(3, machine.apply(4, put(10, 5)), "key 10 is not: it was put before the restore");
  }

  @Test
  void a_cut_or_foreign_snapshot_is_refused() throws IOException {
    KvStateMachine source = new KvStateMachine();
    source.apply(1, put(1, 1));
    byte[] payload = SnapshotBytes.of(source.snapshot());
    KvStateMachine machine = new KvStateMachine();
    assertThrows(IOException.class, () -> machine.restore(1, new ByteArrayInputStream(Arrays.copyOf(payload, payload.length - 1))));
    assertThrows(IOException.class, () -> machine.restore(1, new ByteArrayInputStream(Arrays.copyOf(payload, payload.length + 1))));
    byte[] foreign = payload.clone();
    foreign[0] = 0;
    assertThrows(IOException.class, () -> machine.restore(1, new ByteArrayInputStream(foreign)));
  }
}
