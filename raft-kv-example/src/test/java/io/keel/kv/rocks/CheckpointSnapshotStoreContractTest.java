package io.keel.kv.rocks;

import io.keel.raft.snapshot.SnapshotStore;
import io.keel.raft.snapshot.SnapshotStoreContract;
import io.keel.raft.storage.file.CrashingFileIo;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link SnapshotStore} contract, which every store passes, on the {@link
 * CheckpointSnapshotStore} with payloads that are no archives (they go through its stream part,
 * whose files a {@link CrashingFileIo} crashes as a power loss would). Its linked snapshots are
 * tested in {@link CheckpointSnapshotStoreTest}.
 */
class CheckpointSnapshotStoreContractTest extends SnapshotStoreContract {

  private final Map<SnapshotStore, Path> directories = new IdentityHashMap<>();
  private final Map<SnapshotStore, CrashingFileIo> files = new IdentityHashMap<>();
  private final List<Path> made = new ArrayList<>();

  @Override
  protected SnapshotStore newStore() throws IOException {
    Path dir = Files.createTempDirectory("keel-checkpoint-contract");
    made.add(dir);
    return open(dir);
  }

  private SnapshotStore open(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("stream"));
    CrashingFileIo io = new CrashingFileIo(dir.resolve("stream"), 0);
    SnapshotStore store = CheckpointSnapshotStore.open(dir,
        FileSnapshotStoreOptions.defaults().withBufferBytes(64 * 1024).withFileIo(io));
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
    return 64L << 20;
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
      Durable.deleteTree(dir);
    }
    made.clear();
  }
}
