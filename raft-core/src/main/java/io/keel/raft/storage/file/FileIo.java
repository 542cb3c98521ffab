package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the {@link FileLogStore} opens the files it writes and syncs (segments, metadata files, the
 * directory itself). The default opens plain {@link FileChannel}s; tests wrap it to inject the
 * errors a real disk produces, such as a full disk on the Nth write.
 */
@FunctionalInterface
public interface FileIo {

  /** Plain file channels. */
  FileIo DEFAULT = FileChannel::open;

  /** Opens {@code path} with {@code options}, as {@link FileChannel#open(Path, OpenOption...)}. */
  FileChannel open(Path path, OpenOption... options) throws IOException;
}
