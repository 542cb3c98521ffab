package io.keel.raft.storage.file;

import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@link SnapshotStore} contract on the {@link FileSnapshotStore}, whose files go through a
 * {@link CrashingFileIo}: a crash closes every file of the store and then loses what was not
 * durable, as a power loss would, before the directory is opened again.
 */
class FileSnapshotStoreContractTest extends CrashingSnapshotStoreContract {

  /** Small buffers, so that payloads cross many of their boundaries. */
  static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults().withBufferBytes(64 * 1024);

  @Override
  protected SnapshotStore open(Path dir, CrashingFileIo io) throws IOException {
    return FileSnapshotStore.open(dir, OPTIONS.withFileIo(io));
  }

  @Override
  protected long largePayloadBytes() {
    return 128L << 20;
  }
}
