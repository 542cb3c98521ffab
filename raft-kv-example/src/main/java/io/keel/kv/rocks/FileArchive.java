package io.keel.kv.rocks;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of files as one payload, the form in which a RocksDB checkpoint travels as a
 * snapshot: a manifest (a magic, then each file's name and size, in order), then each file's bytes
 * in that order. The manifest is kept as the bytes it was read or written as, so a directory
 * unpacked from a payload reads out as exactly that payload again. Payloads from the wire or the
 * disk are untrusted: names must be plain file names, counts and sizes are bounded and must add up,
 * and anything else is refused with an {@link IOException} saying what is wrong.
 */
final class FileArchive {

  /** The first bytes of every archive: "KEELCKP" and the format version 1. */
  static final byte[] MAGIC = {'K', 'E', 'E', 'L', 'C', 'K', 'P', 1};
  /** The most files an archive may hold: far above a checkpoint's (a few per gigabyte), far below what would hurt. */
  static final int MAX_FILES = 1_000_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
  private static final int BUFFER = 1 << 20;

  /** One file of an archive. */
  record Entry(String name, long size) {}

  private final byte[] manifest;
  private final List<Entry> entries;

  private FileArchive(byte[] manifest, List<Entry> entries) {
    this.manifest = manifest;
    this.entries = entries;
  }

  /** The archive of every regular file in {@code dir}, in name order. */
  static FileArchive of(Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        if (!Files.isRegularFile(file)) {
          throw new IOException(dir + " holds " + file.getFileName() + ", which is no regular file");
        }
        entries.add(new Entry(checkName(file.getFileName().toString()), Files.size(file)));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(entries.size());
    for (Entry entry : entries) {
      out.writeUTF(entry.name());
      out.writeLong(entry.size());
    }
    out.flush();
    return new FileArchive(bytes.toByteArray(), List.copyOf(entries));
  }

  /**
   * Reads a manifest from the start of {@code in}, checking it, and leaves {@code in} at the first
   * file's bytes.
   *
   * @param payloadSize the whole payload's size if known (the files must then fill it exactly), or -1
   */
  static FileArchive readManifest(InputStream in, long payloadSize) throws IOException {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    DataInputStream data = new DataInputStream(new CopyingInput(in, copy));
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a checkpoint archive of this format (the first bytes are not KEELCKP1)");
      }
      int count = data.readInt();
      if (count < 0 || count > MAX_FILES) {
        throw new IOException("a checkpoint archive of " + count + " files, the limit is " + MAX_FILES);
      }
      List<Entry> entries = new ArrayList<>(Math.min(count, 4096));
      Set<String> names = new HashSet<>();
      long total = 0;
      for (int i = 0; i < count; i++) {
        Entry entry = new Entry(checkName(data.readUTF()), data.readLong());
        if (entry.size() < 0 || !names.add(entry.name())) {
          throw new IOException("a checkpoint archive with a negative size or a repeated name at file " + entry.name());
        }
        entries.add(entry);
        total += entry.size();
        if (total < 0) {
          throw new IOException("a checkpoint archive whose sizes overflow");
        }
      }
      byte[] manifest = copy.toByteArray();
      if (payloadSize >= 0 && manifest.length + total != payloadSize) {
        throw new IOException("a checkpoint archive whose files hold " + total + " bytes after a manifest of "
            + manifest.length + ", in a payload of " + payloadSize);
      }
      return new FileArchive(manifest, List.copyOf(entries));
    } catch (EOFException e) {
      throw new IOException("the checkpoint archive ends inside its manifest", e);
    }
  }

  private static String checkName(String name) throws IOException {
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IOException("a checkpoint archive names a file \"" + name + "\": not a plain file name");
    }
    return name;
  }

  /** The manifest's bytes, which begin the payload. */
  byte[] manifest() {
    return manifest.clone();
  }

  List<Entry> entries() {
    return entries;
  }

  /** The whole payload's size: the manifest and every file. */
  long size() {
    long size = manifest.length;
    for (Entry entry : entries) {
      size += entry.size();
    }
    return size;
  }

  /** Writes the payload: the manifest, then the files of {@code dir} it names, checking their sizes. */
  void writeTo(Path dir, OutputStream out) throws IOException {
    out.write(manifest);
    byte[] buffer = new byte[BUFFER];
    for (Entry entry : entries) {
      try (InputStream in = Files.newInputStream(dir.resolve(entry.name()))) {
        long left = entry.size();
        while (left > 0) {
          int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (read < 0) {
            throw new IOException(dir.resolve(entry.name()) + " is shorter than the " + entry.size() + " bytes recorded");
          }
          out.write(buffer, 0, read);
          left -= read;
        }
        if (in.read() >= 0) {
          throw new IOException(dir.resolve(entry.name()) + " is longer than the " + entry.size() + " bytes recorded");
        }
      }
    }
    out.flush();
  }

  /**
   * Writes the files that follow the manifest in {@code in} into {@code dir} (which must hold none of
   * them), each forced to disk, then the directory; {@code in} must end right after the last file.
   */
  void unpack(InputStream in, Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] buffer = new byte[BUFFER];
    for (Entry entry : entries) {
      Path file = dir.resolve(entry.name());
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long left = entry.size();
        while (left > 0) {
          int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (read < 0) {
            throw new IOException("the checkpoint archive ends inside " + entry.name());
          }
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
          left -= read;
        }
        out.force(true);
      }
    }
    if (in.read() >= 0) {
      throw new IOException("bytes trail the checkpoint archive's " + entries.size() + " files");
    }
    Durable.syncDirectory(dir);
  }

  /** An input that copies what it reads, to keep the manifest's bytes as read. */
  private static final class CopyingInput extends InputStream {
    private final InputStream in;
    private final ByteArrayOutputStream copy;

    CopyingInput(InputStream in, ByteArrayOutputStream copy) {
      this.in = in;
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int read = in.read(b, off, len);
      if (read > 0) {
        copy.write(b, off, read);
      }
      return read;
    }
  }
}
