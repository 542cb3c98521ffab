package io.keel.raft.storage.file;

import io.keel.raft.NodeId;
import io.keel.raft.snapshot.Payloads;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link LargeSnapshotTest} runs under a small heap: it takes a snapshot of a generated
 * payload through a sink's stream, reopens the store (which verifies the payload), restores it
 * through a source's stream, and sends it in chunks into a second store's receive, then prints the
 * two snapshots' checksums. Usage: {@code LargeSnapshotChild DIR SIZE SEED}.
 */
public final class LargeSnapshotChild {

  private static final SnapshotMeta META = new SnapshotMeta(1_000_000, 3, List.of(NodeId.of("n1")));
  private static final int CHUNK_BYTES = 1 << 20;

  private LargeSnapshotChild() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    try (FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("taken"), FileSnapshotStoreOptions.defaults());
        SnapshotSink sink = store.create(META)) {
      Payloads.writeTo(sink.stream(), seed, size, 64 * 1024);
      sink.finish();
    }
    try (FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("taken"), FileSnapshotStoreOptions.defaults());
        FileSnapshotStore follower = FileSnapshotStore.open(dir.resolve("received"),
            FileSnapshotStoreOptions.defaults());
        SnapshotSource source = store.open(store.latest().orElseThrow())) {
      try (InputStream in = source.stream()) {
        Payloads.assertHolds(in, seed, size);
      }
      SnapshotInfo taken = source.info();
      SnapshotSink sink = follower.receive(taken.meta(), taken.sizeBytes(), taken.checksum());
      ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
      for (long offset = 0; offset < size; offset += chunk.limit()) {
        source.read(offset, chunk.clear());
        sink.write(offset, chunk.flip());
        if (offset % (64L * CHUNK_BYTES) == 0) {
          sink.sync();
        }
      }
      SnapshotInfo received = sink.finish();
      System.out.println("taken " + taken.checksum() + " received " + received.checksum() + " heap "
          + Runtime.getRuntime().maxMemory());
    }
  }
}
