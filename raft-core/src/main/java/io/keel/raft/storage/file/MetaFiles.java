package io.keel.raft.storage.file;

import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The small metadata files beside the segments, each in one container and replaced atomically:
 * written to {@code NAME.tmp}, forced, renamed over {@code NAME}, then the directory is forced. A
 * crash leaves either the old or the new file whole; a leftover {@code .tmp} is ignored and removed
 * on open.
 *
 * <pre>
 * container:  magic (4) | version (4) | payload length (4) | payload | CRC32C of all before (4)
 * </pre>
 *
 * <p>Format version 2 keeps one such file, the {@link Manifest}. Format version 1 kept two, read
 * here only to upgrade a version 1 directory:
 *
 * <pre>
 * hardstate:  payload = term (8) | vote length in bytes (2) | vote, UTF-8 (0 to 64 bytes)
 * logstart:   payload = index (8) | term (8)     (the entry before the first one kept)
 * </pre>
 */
final class MetaFiles {

  static final String HARD_STATE = "hardstate";
  static final String LOG_START = "logstart";
  static final String TEMP_SUFFIX = ".tmp";
  static final int HARD_STATE_MAGIC = 0x4B485354; // "KHST"
  static final int LOG_START_MAGIC = 0x4B4C5354; // "KLST"
  /** The version of the format 1 files. */
  static final int VERSION_1 = 1;
  /** The bytes of a container besides its payload. */
  static final int CONTAINER_BYTES = 16;
  private static final int MAX_PAYLOAD_BYTES = 256;

  /** Where the log starts: the entry before the first one kept, {@code (0, 0)} if never compacted. */
  record LogStart(long index, long term) {
    static final LogStart ORIGIN = new LogStart(0, 0);

    @Override
    public String toString() {
      return index + "@" + term;
    }
  }

  private MetaFiles() {}

  /** The hard state in a format version 1 {@code hardstate} file, which must exist. */
  static HardState readHardState(Path file) throws IOException {
    ByteBuffer payload = read(file, HARD_STATE_MAGIC, VERSION_1);
    try {
      long term = payload.getLong();
      int voteLength = payload.getShort();
      if (voteLength < 0 || voteLength != payload.remaining()) {
        throw new CorruptLogException(file, 22, "vote length " + voteLength + " does not match the payload");
      }
      return new HardState(term, readVote(payload, voteLength));
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new CorruptLogException(file, 12, "the hard state is invalid: " + e.getMessage());
    }
  }

  /** The vote of {@code length} UTF-8 bytes at {@code payload}'s position, null if none. */
  static NodeId readVote(ByteBuffer payload, int length) {
    byte[] vote = new byte[length];
    payload.get(vote);
    return length == 0 ? null : NodeId.of(new String(vote, StandardCharsets.UTF_8));
  }

  /** The log start in a format version 1 {@code logstart} file, or {@link LogStart#ORIGIN} if there is none. */
  static LogStart readLogStart(Path file) throws IOException {
    if (!Files.exists(file)) {
      return LogStart.ORIGIN;
    }
    ByteBuffer payload = read(file, LOG_START_MAGIC, VERSION_1);
    if (payload.remaining() != 16) {
      throw new CorruptLogException(file, 12, "the log start payload has " + payload.remaining() + " bytes, not 16");
    }
    long index = payload.getLong();
    long term = payload.getLong();
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
      throw new CorruptLogException(file, 12, "impossible log start " + index + "@" + term);
    }
    return new LogStart(index, term);
  }

  /** The payload of the container in {@code file}, checked for its CRC, magic, version and length. */
  static ByteBuffer read(Path file, int magic, int version) throws IOException {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > CONTAINER_BYTES + MAX_PAYLOAD_BYTES) {
        throw new CorruptLogException(file, 0, "the file has " + size + " bytes, too long to be valid");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CorruptLogException(file, "the file is missing");
    }
    if (bytes.length < CONTAINER_BYTES) {
      throw new CorruptLogException(file, 0, "the file has " + bytes.length + " bytes, too short to be valid");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int storedCrc = buffer.getInt(bytes.length - 4);
    if (storedCrc != SegmentFormat.crc(bytes, 0, bytes.length - 4)) {
      throw new CorruptLogException(file, bytes.length - 4, "CRC mismatch: the file is corrupt");
    }
    if (buffer.getInt() != magic) {
      throw new CorruptLogException(file, 0, "wrong magic number: not a Keel " + file.getFileName() + " file");
    }
    int stored = buffer.getInt();
    if (stored != version) {
      throw new CorruptLogException(file, 4, "format version " + stored + " is not supported; this build reads "
          + file.getFileName() + " files of version " + version);
    }
    int length = buffer.getInt();
    if (length != bytes.length - CONTAINER_BYTES) {
      throw new CorruptLogException(file, 8, "payload length " + length + " does not match the file size "
          + bytes.length);
    }
    return buffer.slice(12, length);
  }

  /** Replaces {@code dir/name} atomically with a container of {@code payload}. */
  static void replace(Path dir, String name, int magic, int version, byte[] payload, FileIo io, boolean sync)
      throws IOException {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(name + " payload too large: " + payload.length);
    }
    ByteBuffer content = ByteBuffer.allocate(CONTAINER_BYTES + payload.length);
    content.putInt(magic).putInt(version).putInt(payload.length).put(payload);
    content.putInt(SegmentFormat.crc(content.array(), 0, content.position()));
    content.flip();
    Path temp = dir.resolve(name + TEMP_SUFFIX);
    try (FileChannel channel = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (content.hasRemaining()) {
        channel.write(content);
      }
      if (sync) {
        channel.force(true);
      }
    }
    Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (sync) {
      syncDirectory(dir, io);
    }
  }

  /** Forces the directory itself, so that files created, renamed or deleted in it stay so. */
  static void syncDirectory(Path dir, FileIo io) throws IOException {
    try (FileChannel channel = io.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
