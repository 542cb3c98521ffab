package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How the file stores open the files they write and sync (segments, metadata files, snapshots, the
 * directory itself), and how the {@link FileSnapshotStore} renames and deletes them. The default
 * opens plain {@link FileChannel}s and uses {@link Files}; tests wrap it to inject the errors a real
 * disk produces, such as a full disk on the Nth write, or to model what a crash leaves. (The
 * {@link FileLogStore} renames and deletes its files with {@link Files} directly.)
 */
@FunctionalInterface
public interface FileIo {

  /** Plain file channels. */
  FileIo DEFAULT = FileChannel::open;

  /** Opens {@code path} with {@code options}, as {@link FileChannel#open(Path, OpenOption...)}. */
  FileChannel open(Path path, OpenOption... options) throws IOException;

  /**
   * Renames {@code source} to {@code target} atomically, replacing {@code target} if it exists, as
   * {@link Files#move} with {@link StandardCopyOption#ATOMIC_MOVE}. The rename is durable once the
   * directory is forced.
   */
  default void moveAtomically(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes {@code path}, as {@link Files#delete}. The deletion is durable once the directory is forced. */
  default void delete(Path path) throws IOException {
    Files.delete(path);
  }
}
