package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Files of one directory that can crash, and remember what a crash would keep. Every write, force,
 * truncation, rename and deletion is a step; the Nth step crashes the process: a write puts half
 * its bytes down first, any other step does not happen, and every later call fails, as in a dead
 * process. Its open files are closed, which releases the directory's lock.
 *
 * <p>It models the page cache too: a file's content is durable as of its last force, and the
 * directory's entries (creations, renames, deletions) as of the directory's last force.
 * {@link #losePower()}, after a crash, turns the directory into what a machine that lost its
 * power would find: only what was durable. Without it, the directory stays as a killed process
 * leaves it, with everything the page cache held. Files above 16 MiB keep only their durable length
 * (their content is taken as intact up to it), so large payloads cost no copies.
 */
public final class CrashingFileIo implements FileIo {

  private static final int COPIED_BYTES_MAX = 16 << 20;

  /** A file, whatever its names: its content as of its last force (null if never forced). */
  private static final class Inode {
    byte[] durable;
    long durableLength = -1;
  }

  private final Path dir;
  private final int crashAtStep;
  private final Map<String, Inode> names = new HashMap<>();
  private Map<String, Inode> durableNames;
  private final List<FileChannel> open = new ArrayList<>();
  private int steps;
  private boolean crashed;
  private String crashedAt;

  /** Crashes at step {@code crashAtStep} (0: never); every file now in {@code dir} is taken as durable. */
  public CrashingFileIo(Path dir, int crashAtStep) throws IOException {
    this.dir = dir;
    this.crashAtStep = crashAtStep;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        Inode inode = new Inode();
        remember(inode, Files.readAllBytes(file));
        names.put(file.getFileName().toString(), inode);
      }
    }
    durableNames = new HashMap<>(names);
  }

  /** The steps made so far. */
  synchronized int steps() {
    return steps;
  }

  /** Whether the process crashed. */
  public synchronized boolean crashed() {
    return crashed;
  }

  /** What the crash interrupted, if it crashed. */
  synchronized String crashedAt() {
    return crashedAt;
  }

  /** Crashes now (if it has not): every open file is closed and every later call fails. */
  public synchronized void crash() {
    if (!crashed) {
      crashed = true;
      crashedAt = crashedAt == null ? "an explicit crash after step " + steps : crashedAt;
      for (FileChannel channel : List.copyOf(open)) {
        try {
          channel.close();
        } catch (IOException e) {
          // a dead process closes nothing cleanly
        }
      }
    }
  }

  /** After a crash, leaves in the directory only what was durable, as a power loss would. */
  public synchronized void losePower() throws IOException {
    if (!crashed) {
      throw new IllegalStateException("power is lost only after a crash");
    }
    Map<String, byte[]> survivors = new HashMap<>();
    for (Map.Entry<String, Inode> entry : durableNames.entrySet()) {
      survivors.put(entry.getKey(), contentAfterPowerLoss(dir.resolve(entry.getKey()), entry.getValue()));
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.delete(file);
      }
    }
    for (Map.Entry<String, byte[]> entry : survivors.entrySet()) {
      Files.write(dir.resolve(entry.getKey()), entry.getValue());
    }
  }

  private static byte[] contentAfterPowerLoss(Path file, Inode inode) throws IOException {
    if (inode.durable != null) {
      return inode.durable;
    }
    if (inode.durableLength < 0 || !Files.exists(file)) {
      return new byte[0]; // never forced: nothing of it is known to be on the disk
    }
    byte[] content = Files.readAllBytes(file); // a large file: its durable prefix is taken as intact
    return java.util.Arrays.copyOf(content, (int) Math.min(content.length, inode.durableLength));
  }

  private static void remember(Inode inode, byte[] content) {
    if (content.length <= COPIED_BYTES_MAX) {
      inode.durable = content;
    } else {
      inode.durable = null;
      inode.durableLength = content.length;
    }
  }

  /** Counts a step; true if the process crashes at it (the caller then does what a crash leaves, and throws). */
  private synchronized boolean crashesAt(String what) throws IOException {
    if (crashed) {
      throw new IOException("the process crashed at " + crashedAt);
    }
    steps++;
    if (steps == crashAtStep) {
      crashedAt = "step " + steps + ": " + what;
      return true;
    }
    return false;
  }

  private IOException crashNow() {
    crash();
    return new IOException("simulated crash at " + crashedAt());
  }

  @Override
  public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
    if (crashed) {
      throw new IOException("the process crashed at " + crashedAt);
    }
    if (Files.isDirectory(path)) {
      FileChannel channel = new ModelChannel(FileChannel.open(path, options), null, path);
      open.add(channel);
      return channel;
    }
    String name = path.getFileName().toString();
    boolean existed = Files.exists(path);
    FileChannel delegate = FileChannel.open(path, options);
    Inode inode = existed ? names.computeIfAbsent(name, n -> new Inode()) : new Inode();
    names.put(name, inode);
    FileChannel channel = new ModelChannel(delegate, inode, path);
    open.add(channel);
    return channel;
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    if (crashesAt("rename " + source.getFileName() + " to " + target.getFileName())) {
      throw crashNow();
    }
    synchronized (this) {
      FileIo.super.moveAtomically(source, target);
      names.put(target.getFileName().toString(), names.remove(source.getFileName().toString()));
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    if (crashesAt("delete " + path.getFileName())) {
      throw crashNow();
    }
    synchronized (this) {
      FileIo.super.delete(path);
      names.remove(path.getFileName().toString());
    }
  }

  /** A file or the directory, whose writes and forces are steps, and whose forces make things durable. */
  private final class ModelChannel extends InterceptingChannel {
    private final Inode inode;
    private final Path path;

    ModelChannel(FileChannel delegate, Inode inode, Path path) {
      super(delegate);
      this.inode = inode;
      this.path = path;
    }

    @Override
    protected int writeAt(ByteBuffer source, long position) throws IOException {
      if (crashesAt("write " + source.remaining() + " bytes to " + path.getFileName() + " at " + position)) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        delegate.write(half, position);
        throw crashNow();
      }
      return delegate.write(source, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (crashesAt("force " + (inode == null ? "the directory" : path.getFileName()))) {
        throw crashNow();
      }
      delegate.force(metaData);
      synchronized (CrashingFileIo.this) {
        if (inode == null) {
          durableNames = new HashMap<>(names);
        } else {
          ByteBuffer content = ByteBuffer.allocate((int) Math.min(delegate.size(), COPIED_BYTES_MAX + 1));
          while (content.hasRemaining() && delegate.read(content, content.position()) >= 0) {
            // reads the file's content, or enough of it to know it is large
          }
          if (content.position() <= COPIED_BYTES_MAX) {
            inode.durable = java.util.Arrays.copyOf(content.array(), content.position());
          } else {
            inode.durable = null;
            inode.durableLength = delegate.size();
          }
        }
      }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (crashesAt("truncate " + path.getFileName() + " to " + size)) {
        throw crashNow();
      }
      delegate.truncate(size);
      return this;
    }

    @Override
    protected void implCloseChannel() throws IOException {
      synchronized (CrashingFileIo.this) {
        open.remove(this);
      }
      delegate.close();
    }
  }
}
