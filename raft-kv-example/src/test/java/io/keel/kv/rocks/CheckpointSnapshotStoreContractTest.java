package io.keel.kv.rocks;

import io.keel.raft.snapshot.SnapshotStore;
import io.keel.raft.storage.file.CrashingFileIo;
import io.keel.raft.storage.file.CrashingSnapshotStoreContract;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@link SnapshotStore} contract, which every store passes, on the {@link
 * CheckpointSnapshotStore} with payloads that are no archives (they go through its stream part,
 * whose files a {@link CrashingFileIo} crashes as a power loss would). Its linked snapshots are
 * tested in {@link CheckpointSnapshotStoreTest}.
 */
class CheckpointSnapshotStoreContractTest extends CrashingSnapshotStoreContract {

  @Override
  protected SnapshotStore open(Path dir, CrashingFileIo io) throws IOException {
    return CheckpointSnapshotStore.open(dir, FileSnapshotStoreOptions.defaults().withBufferBytes(64 * 1024)
        .withFileIo(io));
  }

  @Override
  protected Path crashingFilesOf(Path dir) {
    return dir.resolve("stream");
  }

  @Override
  protected long largePayloadBytes() {
    return 64L << 20;
  }
}
