package io.keel.raft.storage.file;

import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The byte layout of a segment file (docs/storage.md has it byte by byte): a 32-byte header, then
 * records of one log entry each. All integers are big-endian.
 *
 * <pre>
 * header: magic "KLOG" (4) | version (4) | base index (8) | previous term (8) | zero (4) | CRC32C of bytes 0-27 (4)
 * record: CRC32C of bytes 4.. (4) | length L of what follows the prefix (4) | L inverted (4) |
 *         index (8) | term (8) | type (1) | command (L - 17)
 * </pre>
 */
final class SegmentFormat {

  static final int MAGIC = 0x4B4C4F47; // "KLOG"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 32;
  /** CRC, length and inverted length. */
  static final int RECORD_PREFIX_BYTES = 12;
  /** What the length counts besides the command: index, term, type. */
  static final int RECORD_FIXED_BODY_BYTES = 17;
  static final int RECORD_OVERHEAD_BYTES = RECORD_PREFIX_BYTES + RECORD_FIXED_BODY_BYTES;
  /** The largest command a record may carry: 64 MiB. */
  static final int MAX_COMMAND_BYTES = 64 << 20;

  static final String NAME_PREFIX = "segment-";
  static final String NAME_SUFFIX = ".log";
  private static final Pattern NAME_PATTERN = Pattern.compile("segment-[0-9]{20}\\.log");

  private SegmentFormat() {}

  /** The header of a segment; {@code previousTerm} is the term of {@code baseIndex - 1}. */
  record Header(int version, long baseIndex, long previousTerm) {}

  /** The name of the segment file whose first record is {@code baseIndex}. */
  static String fileName(long baseIndex) {
    return String.format("segment-%020d.log", baseIndex);
  }

  /** The base index in a segment file name, or -1 if the name is not a valid segment file name. */
  static long baseIndexOf(String fileName) {
    return nameProblem(fileName) == null ? Long.parseLong(fileName.substring(8, 28)) : -1;
  }

  /** Whether {@code fileName} is meant as a segment's: it has a segment's prefix and suffix. */
  static boolean looksLikeSegment(String fileName) {
    return fileName.startsWith(NAME_PREFIX) && fileName.endsWith(NAME_SUFFIX);
  }

  /**
   * What is wrong with {@code fileName} as a segment file name, or null if it is a valid one:
   * {@code segment-}, twenty decimal digits naming a base index from 1 to {@link Long#MAX_VALUE},
   * {@code .log}.
   */
  static String nameProblem(String fileName) {
    if (!NAME_PATTERN.matcher(fileName).matches()) {
      return "not a valid segment file name: a segment is named segment-<base index in 20 digits>.log";
    }
    String digits = fileName.substring(8, 28);
    long baseIndex;
    try {
      baseIndex = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return "the base index " + digits + " in the file name is beyond the largest log index, " + Long.MAX_VALUE;
    }
    return baseIndex == 0 ? "the base index in the file name is 0, but log indexes start at 1" : null;
  }

  static ByteBuffer encodeHeader(long baseIndex, long previousTerm) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    buffer.putInt(MAGIC).putInt(VERSION).putLong(baseIndex).putLong(previousTerm).putInt(0);
    buffer.putInt(crc(buffer.array(), 0, HEADER_BYTES - 4));
    return buffer.flip();
  }

  /**
   * Decodes a full header.
   *
   * @return null if the bytes are not a valid header (wrong magic or CRC)
   * @throws UnsupportedVersionException if the header is intact but of another format version
   */
  static Header decodeHeader(ByteBuffer bytes) throws UnsupportedVersionException {
    int start = bytes.position();
    byte[] raw = new byte[HEADER_BYTES];
    bytes.get(raw);
    ByteBuffer buffer = ByteBuffer.wrap(raw);
    int magic = buffer.getInt();
    int version = buffer.getInt();
    long baseIndex = buffer.getLong();
    long previousTerm = buffer.getLong();
    buffer.getInt();
    int storedCrc = buffer.getInt();
    if (magic != MAGIC || storedCrc != crc(raw, 0, HEADER_BYTES - 4)) {
      bytes.position(start + HEADER_BYTES);
      return null;
    }
    if (version != VERSION) {
      throw new UnsupportedVersionException(version);
    }
    return new Header(version, baseIndex, previousTerm);
  }

  /** An intact segment header of a format version this build does not read. */
  static final class UnsupportedVersionException extends Exception {
    final int version;

    UnsupportedVersionException(int version) {
      super("segment format version " + version + " is not supported; this build reads version " + VERSION);
      this.version = version;
    }
  }

  /** The bytes the record of {@code entry} takes. */
  static int recordBytes(LogEntry entry) {
    return RECORD_OVERHEAD_BYTES + entry.command().length;
  }

  /**
   * Writes the record of {@code entry} at {@code target}'s position (which must have room) and
   * computes its CRC with {@code crc}; {@code view} is a duplicate of {@code target}, reused.
   */
  static void encodeRecord(LogEntry entry, ByteBuffer target, ByteBuffer view, CRC32C crc) {
    int start = target.position();
    byte[] command = entry.command();
    int length = RECORD_FIXED_BODY_BYTES + command.length;
    target.putInt(0)
        .putInt(length)
        .putInt(~length)
        .putLong(entry.index())
        .putLong(entry.term())
        .put((byte) entry.type().code())
        .put(command);
    crc.reset();
    view.limit(target.position()).position(start + 4);
    crc.update(view);
    target.putInt(start, (int) crc.getValue());
  }

  /** What decoding a record found. */
  enum RecordStatus {
    /** An intact record. */
    VALID,
    /** Fewer bytes remain than the record prefix, or the length runs past the end of the data. */
    INCOMPLETE,
    /** The length field is out of its possible range, or does not match its inverted copy. */
    BAD_LENGTH,
    /** The record is complete but its bytes do not match its CRC. */
    BAD_CRC,
    /**
     * The CRC matches but the type byte is unknown, a no-op carries a command, or a configuration
     * entry's payload is not a configuration.
     */
    BAD_TYPE
  }

  /**
   * Checks the record at {@code bytes}' position without moving it; the buffer's remaining bytes
   * are all the data there is after that position.
   */
  static RecordStatus check(ByteBuffer bytes, CRC32C crc) {
    int start = bytes.position();
    if (bytes.remaining() < RECORD_PREFIX_BYTES) {
      return RecordStatus.INCOMPLETE;
    }
    int length = bytes.getInt(start + 4);
    if (!lengthIntact(bytes, start)) {
      return RecordStatus.BAD_LENGTH;
    }
    if (bytes.remaining() < RECORD_PREFIX_BYTES + length) {
      return RecordStatus.INCOMPLETE;
    }
    ByteBuffer view = bytes.duplicate();
    view.position(start + 4).limit(start + RECORD_PREFIX_BYTES + length);
    crc.reset();
    crc.update(view);
    if ((int) crc.getValue() != bytes.getInt(start)) {
      return RecordStatus.BAD_CRC;
    }
    EntryType type = EntryType.ofCode(bytes.get(start + RECORD_PREFIX_BYTES + 16));
    boolean known = type == EntryType.COMMAND || (type == EntryType.NO_OP && length == RECORD_FIXED_BODY_BYTES)
        || (type == EntryType.CONFIGURATION && isConfiguration(bytes, start, length));
    return known ? RecordStatus.VALID : RecordStatus.BAD_TYPE;
  }

  /** Whether the payload of the record at {@code start} is a configuration a log entry accepts. */
  private static boolean isConfiguration(ByteBuffer bytes, int start, int length) {
    ByteBuffer duplicate = bytes.duplicate();
    duplicate.position(start);
    try {
      decode(duplicate);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the length of the record at {@code start} matches its inverted copy and is possible. */
  static boolean lengthIntact(ByteBuffer bytes, int start) {
    int length = bytes.getInt(start + 4);
    return bytes.getInt(start + 8) == ~length
        && length >= RECORD_FIXED_BODY_BYTES && length <= RECORD_FIXED_BODY_BYTES + MAX_COMMAND_BYTES;
  }

  /** The total size of the record at {@code bytes}' position, from its length field. */
  static int recordLength(ByteBuffer bytes) {
    return RECORD_PREFIX_BYTES + bytes.getInt(bytes.position() + 4);
  }

  static long recordIndex(ByteBuffer bytes) {
    return bytes.getLong(bytes.position() + RECORD_PREFIX_BYTES);
  }

  static long recordTerm(ByteBuffer bytes) {
    return bytes.getLong(bytes.position() + RECORD_PREFIX_BYTES + 8);
  }

  /** Decodes the {@link RecordStatus#VALID} record at {@code bytes}' position, and moves past it. */
  static LogEntry decode(ByteBuffer bytes) {
    int start = bytes.position();
    int length = bytes.getInt(start + 4);
    long index = bytes.getLong(start + RECORD_PREFIX_BYTES);
    long term = bytes.getLong(start + RECORD_PREFIX_BYTES + 8);
    EntryType type = EntryType.ofCode(bytes.get(start + RECORD_PREFIX_BYTES + 16));
    byte[] command = new byte[length - RECORD_FIXED_BODY_BYTES];
    bytes.position(start + RECORD_OVERHEAD_BYTES);
    bytes.get(command);
    return type == EntryType.NO_OP ? LogEntry.noOp(index, term) : new LogEntry(index, term, type, command);
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
