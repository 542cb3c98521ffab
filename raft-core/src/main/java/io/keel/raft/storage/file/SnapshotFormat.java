package io.keel.raft.storage.file;

import io.keel.raft.ConfigurationCodec;
import io.keel.raft.NodeId;
import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotMeta;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The snapshot file format, version 1 (docs/storage.md, "Snapshots", gives every byte). A file is a
 * header, then the payload; the header records the payload's size and CRC-32C and ends with a
 * CRC-32C of its own bytes, so that every byte of the file is covered by a checksum and a file cut
 * short or grown is told by its length:
 *
 * <pre>
 * header:  magic (4) | format version (4) | payload size (8) | payload CRC-32C (4) | meta length M (4)
 *          | meta (M) | CRC-32C of the header's bytes before it (4)
 * meta:    meta version (2) | last index (8) | last term (8) | configuration (M - 18), in
 *          {@link ConfigurationCodec}'s form
 * payload: size bytes
 * </pre>
 *
 * <p>Meta version 1, written before membership changes, held a voter count N (2) and N times an id
 * length L (1) and the id (L) where version 2 holds the configuration; it is still read, as a
 * configuration of those voters alone.
 *
 * <p>The names of the files in a snapshot directory are made and parsed here too.
 */
final class SnapshotFormat {

  static final int MAGIC = 0x4B534E50; // "KSNP"
  static final int VERSION = 1;
  static final int META_VERSION = 2;
  /** The meta version of snapshots written before membership changes: voters only. */
  static final int VOTERS_ONLY_META_VERSION = 1;
  /** The header's bytes before the meta. */
  static final int FIXED_HEADER_BYTES = 24;
  /** The header's bytes besides the meta: the fixed part and the header CRC. */
  static final int HEADER_OVERHEAD_BYTES = FIXED_HEADER_BYTES + 4;
  /** The meta's bytes besides its configuration. */
  static final int META_FIXED_BYTES = 18;
  /** The largest meta accepted when read: a bound on what a damaged length can make the reader allocate. */
  static final int MAX_META_BYTES = 1 << 20;

  static final String PREFIX = "snapshot-";
  static final String SNAPSHOT_SUFFIX = ".snap";
  static final String PARTIAL_SUFFIX = ".partial";
  static final String PROGRESS_SUFFIX = ".progress";
  private static final int INDEX_DIGITS = 20;

  /** A header as read from a file: what the snapshot stands for, and where its payload starts. */
  record Header(SnapshotMeta meta, long payloadBytes, long payloadCrc, int headerBytes) {
    /** The length of a complete snapshot file with this header. */
    long fileBytes() {
      return headerBytes + payloadBytes;
    }

    /** Whether this header is of the snapshot {@code meta} of {@code size} bytes with CRC {@code crc}. */
    boolean isOf(SnapshotMeta otherMeta, long size, long crc) {
      return meta.equals(otherMeta) && payloadBytes == size && payloadCrc == crc;
    }
  }

  private SnapshotFormat() {}

  /** The length of the header of a snapshot of {@code meta}. */
  static int headerBytes(SnapshotMeta meta) {
    return HEADER_OVERHEAD_BYTES + metaBytes(meta);
  }

  private static int metaBytes(SnapshotMeta meta) {
    return META_FIXED_BYTES + ConfigurationCodec.encode(meta.configuration()).length;
  }

  /** The header of a snapshot of {@code meta} whose payload has {@code size} bytes with CRC {@code crc}. */
  static ByteBuffer encodeHeader(SnapshotMeta meta, long size, long crc) {
    int metaBytes = metaBytes(meta);
    ByteBuffer header = ByteBuffer.allocate(HEADER_OVERHEAD_BYTES + metaBytes);
    header.putInt(MAGIC).putInt(VERSION).putLong(size).putInt((int) crc).putInt(metaBytes);
    header.putShort((short) META_VERSION).putLong(meta.lastIndex()).putLong(meta.lastTerm());
    header.put(ConfigurationCodec.encode(meta.configuration()));
    header.putInt(crc(header.array(), 0, header.position()));
    if (header.hasRemaining()) {
      throw new IllegalStateException("the header of " + meta + " took " + header.position() + " of "
          + header.capacity() + " bytes");
    }
    return header.flip();
  }

  /**
   * Reads and checks the header of the snapshot file {@code file} open as {@code channel}: its
   * magic, version, lengths, CRC and meta. Does not check the file's length or payload.
   *
   * @throws CorruptSnapshotException naming the file and the offset of what is wrong
   */
  static Header readHeader(Path file, FileChannel channel) throws IOException {
    long fileBytes = channel.size();
    ByteBuffer fixed = readFully(file, channel, 0, FIXED_HEADER_BYTES, fileBytes);
    if (fixed.getInt(0) != MAGIC) {
      throw new CorruptSnapshotException(file, 0, "wrong magic number: not a Keel snapshot file");
    }
    int version = fixed.getInt(4);
    if (version != VERSION) {
      throw new CorruptSnapshotException(file, 4, "snapshot format version " + version + " is not supported; this "
          + "build reads version " + VERSION);
    }
    long payloadBytes = fixed.getLong(8);
    long payloadCrc = Integer.toUnsignedLong(fixed.getInt(16));
    int metaBytes = fixed.getInt(20);
    if (metaBytes < META_FIXED_BYTES || metaBytes > MAX_META_BYTES) {
      throw new CorruptSnapshotException(file, 20, "impossible meta length " + metaBytes + " (the header is damaged)");
    }
    ByteBuffer rest = readFully(file, channel, FIXED_HEADER_BYTES, metaBytes + 4, fileBytes);
    CRC32C crc = new CRC32C();
    crc.update(fixed.array(), 0, FIXED_HEADER_BYTES);
    crc.update(rest.array(), 0, metaBytes);
    int headerCrcOffset = FIXED_HEADER_BYTES + metaBytes;
    if ((int) crc.getValue() != rest.getInt(metaBytes)) {
      throw new CorruptSnapshotException(file, headerCrcOffset, "header CRC mismatch: the header is damaged");
    }
    if (payloadBytes < 0) {
      throw new CorruptSnapshotException(file, 8, "impossible payload size " + payloadBytes);
    }
    SnapshotMeta meta = decodeMeta(file, rest.slice(0, metaBytes));
    return new Header(meta, payloadBytes, payloadCrc, headerCrcOffset + 4);
  }

  private static SnapshotMeta decodeMeta(Path file, ByteBuffer meta) throws CorruptSnapshotException {
    int metaVersion = Short.toUnsignedInt(meta.getShort());
    if (metaVersion != META_VERSION && metaVersion != VOTERS_ONLY_META_VERSION) {
      throw new CorruptSnapshotException(file, FIXED_HEADER_BYTES, "snapshot meta version " + metaVersion
          + " is not supported; this build reads versions " + VOTERS_ONLY_META_VERSION + " and " + META_VERSION);
    }
    try {
      long lastIndex = meta.getLong();
      long lastTerm = meta.getLong();
      if (metaVersion == META_VERSION) {
        byte[] configuration = new byte[meta.remaining()];
        meta.get(configuration);
        return new SnapshotMeta(lastIndex, lastTerm, ConfigurationCodec.decode(configuration));
      }
      int voterCount = Short.toUnsignedInt(meta.getShort());
      List<NodeId> voters = new ArrayList<>();
      for (int i = 0; i < voterCount; i++) {
        byte[] id = new byte[Byte.toUnsignedInt(meta.get())];
        meta.get(id);
        voters.add(NodeId.of(new String(id, StandardCharsets.UTF_8)));
      }
      if (meta.hasRemaining()) {
        throw new IllegalArgumentException(meta.remaining() + " bytes follow the last voter");
      }
      return new SnapshotMeta(lastIndex, lastTerm, voters);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new CorruptSnapshotException(file, FIXED_HEADER_BYTES, "the snapshot meta is invalid: " + e);
    }
  }

  /** Reads {@code length} bytes at {@code offset}, which must lie within the file's {@code fileBytes}. */
  private static ByteBuffer readFully(Path file, FileChannel channel, long offset, int length, long fileBytes)
      throws IOException {
    if (offset + length > fileBytes) {
      throw new CorruptSnapshotException(file, fileBytes, "the file ends inside its header (it has " + fileBytes
          + " bytes, the header needs at least " + (offset + length) + ")");
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        throw new CorruptSnapshotException(file, offset + buffer.position(), "the file ends inside its header");
      }
    }
    return buffer.flip();
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** The name of the complete snapshot whose last index is {@code index}. */
  static String snapshotName(long index) {
    return name(index, SNAPSHOT_SUFFIX);
  }

  /** The name of the file a received snapshot is written to until it is complete. */
  static String partialName(long index) {
    return name(index, PARTIAL_SUFFIX);
  }

  /** The name of the file that records how much of a received snapshot is durable. */
  static String progressName(long index) {
    return name(index, PROGRESS_SUFFIX);
  }

  /** The name of the file a snapshot this node takes is written to until it is complete. */
  static String tempName(long index) {
    return snapshotName(index) + MetaFiles.TEMP_SUFFIX;
  }

  private static String name(long index, String suffix) {
    String digits = Long.toString(index);
    return PREFIX + "0".repeat(INDEX_DIGITS - digits.length()) + digits + suffix;
  }

  /**
   * The index in {@code name} if it is exactly {@code snapshot-} + 20 digits + {@code suffix} and
   * the digits are at most {@link Long#MAX_VALUE}; otherwise -1.
   */
  static long indexOf(String name, String suffix) {
    if (!name.startsWith(PREFIX) || !name.endsWith(suffix)
        || name.length() != PREFIX.length() + INDEX_DIGITS + suffix.length()) {
      return -1;
    }
    String digits = name.substring(PREFIX.length(), PREFIX.length() + INDEX_DIGITS);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1; // beyond Long.MAX_VALUE
    }
  }
}
