package io.keel.bench;

import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** For the benchmark's state machine tests: a snapshot view's payload in memory. */
public final class SnapshotBytes {

  private SnapshotBytes() {}

  /** What {@code view} writes, which it then closes. */
  public static byte[] of(StateMachineSnapshot view) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (view) {
      view.writeTo(out);
    }
    return out.toByteArray();
  }
}
