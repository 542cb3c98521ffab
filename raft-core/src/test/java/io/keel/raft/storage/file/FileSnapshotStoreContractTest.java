package io.keel.raft.storage.file;

import io.keel.raft.snapshot.SnapshotStore;
import io.keel.raft.snapshot.SnapshotStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link SnapshotStore} contract on the {@link FileSnapshotStore}, whose files go through a
 * {@link CrashingFileIo}: a crash closes every file of the store and then loses what was not
 * durable, as a power loss would, before the directory is opened again.
 */
class FileSnapshotStoreContractTest extends SnapshotStoreContract {

  /** Small buffers, so that payloads cross many of their boundaries. */
  static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults().withBufferBytes(64 * 1024);

  private final Map<SnapshotStore, Path> directories = new IdentityHashMap<>();
  private final Map<SnapshotStore, CrashingFileIo> files = new IdentityHashMap<>();
  private final List<Path> made = new ArrayList<>();

  @Override
  protected SnapshotStore newStore() throws IOException {
    Path dir = Files.createTempDirectory("keel-snapshot-contract");
    made.add(dir);
    return open(dir);
  }

  private SnapshotStore open(Path dir) throws IOException {
    CrashingFileIo io = new CrashingFileIo(dir, 0);
    FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withFileIo(io));
    directories.put(store, dir);
    files.put(store, io);
    return store;
  }

  @Override
  protected SnapshotStore crashAndRestart(SnapshotStore store) throws IOException {
    CrashingFileIo io = files.get(store);
    io.crash();
    io.losePower();
    return open(directories.get(store));
  }

  @Override
  protected long largePayloadBytes() {
    return 128L << 20;
  }

  @Override
  protected void cleanUp() throws IOException {
    for (SnapshotStore store : directories.keySet()) {
      if (!files.get(store).crashed()) {
        store.close();
      }
    }
    directories.clear();
    files.clear();
    for (Path dir : made) {
      LogDirectories.deleteRecursively(dir);
    }
    made.clear();
  }
}
