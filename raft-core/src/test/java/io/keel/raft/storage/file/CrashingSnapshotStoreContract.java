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
 * The {@link SnapshotStore} contract for a store whose files go through a {@link CrashingFileIo}: a
 * crash closes every file of the store and then loses what was not durable, as a power loss would,
 * before the directory is opened again. A subclass says how to open its store on a directory with
 * that file I/O; stores in other modules use it from raft-core's test jar.
 */
public abstract class CrashingSnapshotStoreContract extends SnapshotStoreContract {

  private final Map<SnapshotStore, Path> directories = new IdentityHashMap<>();
  private final Map<SnapshotStore, CrashingFileIo> files = new IdentityHashMap<>();
  private final List<Path> made = new ArrayList<>();

  /** Opens the store kept in {@code dir}, its files going through {@code io}. */
  protected abstract SnapshotStore open(Path dir, CrashingFileIo io) throws IOException;

  /** The directory, in the store's {@code dir}, whose files {@link CrashingFileIo} crashes: {@code dir} itself by default. */
  protected Path crashingFilesOf(Path dir) {
    return dir;
  }

  @Override
  protected final SnapshotStore newStore() throws IOException {
    Path dir = Files.createTempDirectory("keel-snapshot-contract");
    made.add(dir);
    return open(dir);
  }

  private SnapshotStore open(Path dir) throws IOException {
    Path crashing = crashingFilesOf(dir);
    Files.createDirectories(crashing);
    CrashingFileIo io = new CrashingFileIo(crashing, 0);
    SnapshotStore store = open(dir, io);
    directories.put(store, dir);
    files.put(store, io);
    return store;
  }

  @Override
  protected final SnapshotStore crashAndRestart(SnapshotStore store) throws IOException {
    CrashingFileIo io = files.get(store);
    io.crash();
    io.losePower();
    return open(directories.get(store));
  }

  @Override
  protected final void cleanUp() throws IOException {
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
