package io.keel.kv.rocks;

import io.keel.raft.StateMachineSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocksDB checkpoint as a snapshot's point-in-time view: a directory of files (hard links to the
 * database's tables, copies of the rest) that nothing changes. A {@link CheckpointSnapshotStore}
 * links its files; any other store gets them streamed as a {@link FileArchive}. Closing removes it.
 */
final class CheckpointView implements StateMachineSnapshot {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointView.class);

  private final Path dir;

  CheckpointView(Path dir) {
    this.dir = dir;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    FileArchive.of(dir).writeTo(dir, out);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(dir);
  }

  @Override
  public void close() {
    try {
      Durable.deleteTree(dir);
    } catch (IOException e) {
      LOG.warn("removing the checkpoint {} failed; it is removed when the node next starts", dir, e);
    }
  }
}
