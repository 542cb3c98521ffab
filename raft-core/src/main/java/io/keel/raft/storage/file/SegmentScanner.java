package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one segment file from start to end, checking every record, and says where its valid
 * records end and what, if anything, is wrong after them. It only reads; {@link LogRecovery}
 * decides what the damage means.
 */
final class SegmentScanner {

  private static final int WINDOW_BYTES = 1 << 20;

  /**
   * Damage found at {@code offset}. {@code tornLike} means a crash during a write can have left
   * it (an incomplete last record, zeroes, a bad CRC on a record that ends the file); only in the
   * last segment is such damage taken as a torn write.
   */
  record Damage(Path file, long offset, String problem, boolean tornLike) {
    CorruptLogException toException() {
      return new CorruptLogException(file, offset, problem);
    }
  }

  /**
   * The result of a scan. {@code header} is null if the header is damaged, and then the lists
   * are empty. {@code validEnd} is where the last valid record ends.
   */
  record Scan(Path file, long nameBaseIndex, long fileSize, SegmentFormat.Header header, LongList offsets,
      LongList terms, long validEnd, Damage damage) {

    /** The index of the first record: the one the file name gives (a header that says otherwise is damage). */
    long baseIndex() {
      return nameBaseIndex;
    }

    /** The index of the last valid record, or {@code baseIndex() - 1} if there is none. */
    long lastIndex() {
      return nameBaseIndex + offsets.size() - 1;
    }

    /** The term of {@code index}, for {@code baseIndex() - 1 <= index <= lastIndex()}; needs a valid header. */
    long termAt(long index) {
      return index == nameBaseIndex - 1 ? header.previousTerm() : terms.get((int) (index - nameBaseIndex));
    }

    long lastTerm() {
      return termAt(lastIndex());
    }
  }

  private final Path file;
  private final long nameBaseIndex;
  private final FileChannel channel;
  private final long fileSize;
  private ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
  private long windowStart;
  private int windowLength;

  private SegmentScanner(Path file, long nameBaseIndex, FileChannel channel) throws IOException {
    this.file = file;
    this.nameBaseIndex = nameBaseIndex;
    this.channel = channel;
    this.fileSize = channel.size();
  }

  /** Scans {@code file}, whose name says its records start at {@code nameBaseIndex}. */
  static Scan scan(Path file, long nameBaseIndex) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new SegmentScanner(file, nameBaseIndex, channel).scan();
    }
  }

  private Scan scan() throws IOException {
    LongList offsets = new LongList();
    LongList terms = new LongList();
    if (fileSize < SegmentFormat.HEADER_BYTES) {
      return headerDamage(offsets, terms, "the header is incomplete: the file has " + fileSize + " bytes",
          true);
    }
    SegmentFormat.Header header;
    try {
      header = SegmentFormat.decodeHeader(load(0, SegmentFormat.HEADER_BYTES));
    } catch (SegmentFormat.UnsupportedVersionException e) {
      return headerDamage(offsets, terms, e.getMessage(), false);
    }
    if (header == null) {
      boolean torn = fileSize == SegmentFormat.HEADER_BYTES || zeroesFrom(0);
      return headerDamage(offsets, terms, "the header is damaged (wrong magic number or CRC)", torn);
    }
    if (header.baseIndex() != nameBaseIndex || header.baseIndex() < 1 || header.previousTerm() < 0) {
      return headerDamage(offsets, terms, "the header names base index " + header.baseIndex()
          + " and previous term " + header.previousTerm() + ", but the file name says " + nameBaseIndex
          + ": it is not the segment its name belongs to (a copy, or a renamed file?)", false);
    }
    long position = SegmentFormat.HEADER_BYTES;
    long expectedIndex = header.baseIndex();
    long lastTerm = header.previousTerm();
    CRC32C crc = new CRC32C();
    while (position < fileSize) {
      Damage damage = checkRecord(position, expectedIndex, lastTerm, crc);
      if (damage != null) {
        return new Scan(file, nameBaseIndex, fileSize, header, offsets, terms, position, damage);
      }
      ByteBuffer record = load(position, SegmentFormat.RECORD_OVERHEAD_BYTES);
      offsets.add(position);
      lastTerm = SegmentFormat.recordTerm(record);
      terms.add(lastTerm);
      position += SegmentFormat.recordLength(record);
      expectedIndex++;
    }
    return new Scan(file, nameBaseIndex, fileSize, header, offsets, terms, position, null);
  }

  private Scan headerDamage(LongList offsets, LongList terms, String problem, boolean torn) {
    return new Scan(file, nameBaseIndex, fileSize, null, offsets, terms, 0, new Damage(file, 0, problem, torn));
  }

  /** The damage of the record at {@code position}, or null if it is a valid next record. */
  private Damage checkRecord(long position, long expectedIndex, long lastTerm, CRC32C crc) throws IOException {
    long available = fileSize - position;
    if (available < SegmentFormat.RECORD_PREFIX_BYTES) {
      return damage(position, "incomplete record: only " + available + " bytes before the end of the file",
          true);
    }
    ByteBuffer prefix = load(position, SegmentFormat.RECORD_PREFIX_BYTES);
    int length = prefix.getInt(prefix.position() + 4);
    if (!SegmentFormat.lengthIntact(prefix, prefix.position())) {
      boolean zeroes = zeroesFrom(position);
      return damage(position, zeroes ? "only zeroes after the last record"
          : "damaged record length " + length + " (its inverted copy does not match, or it is impossible)", zeroes);
    }
    if (SegmentFormat.RECORD_PREFIX_BYTES + (long) length > available) {
      return damage(position, "incomplete record: its length " + length + " runs past the end of the file",
          true);
    }
    ByteBuffer record = load(position, SegmentFormat.RECORD_PREFIX_BYTES + length).slice();
    switch (SegmentFormat.check(record, crc)) {
      case BAD_CRC -> {
        boolean endsFile = position + SegmentFormat.RECORD_PREFIX_BYTES + length == fileSize;
        return damage(position, endsFile ? "CRC mismatch in the last record of the file"
            : "CRC mismatch in a record with more data after it", endsFile);
      }
      case BAD_TYPE -> {
        return damage(position, "unknown entry type in a record whose CRC matches", false);
      }
      case VALID -> { }
      default -> throw new IllegalStateException("a complete record was judged incomplete at " + position);
    }
    long index = SegmentFormat.recordIndex(record);
    long term = SegmentFormat.recordTerm(record);
    if (index != expectedIndex) {
      return damage(position, "the record holds index " + index + " where index " + expectedIndex + " belongs",
          false);
    }
    if (term < lastTerm || term < 1) {
      return damage(position, "the record of index " + index + " has term " + term + " after term " + lastTerm,
          false);
    }
    return null;
  }

  private Damage damage(long offset, String problem, boolean tornLike) {
    return new Damage(file, offset, problem, tornLike);
  }

  private boolean zeroesFrom(long position) throws IOException {
    for (long at = position; at < fileSize; ) {
      int chunk = (int) Math.min(WINDOW_BYTES, fileSize - at);
      ByteBuffer bytes = load(at, chunk);
      for (int i = bytes.position(); i < bytes.limit(); i++) {
        if (bytes.get(i) != 0) {
          return false;
        }
      }
      at += chunk;
    }
    return true;
  }

  /** A buffer whose position..limit holds the file's bytes [position, position + length). */
  private ByteBuffer load(long position, int length) throws IOException {
    if (position < windowStart || position + length > windowStart + windowLength) {
      if (length > window.capacity()) {
        window = ByteBuffer.allocate(length);
      }
      window.clear();
      window.limit((int) Math.min(window.capacity(), fileSize - position));
      while (window.hasRemaining()) {
        if (channel.read(window, position + window.position()) < 0) {
          throw new IOException(file + " shrank while it was read, at offset " + (position + window.position()));
        }
      }
      windowStart = position;
      windowLength = window.limit();
    }
    ByteBuffer view = window.duplicate();
    int start = (int) (position - windowStart);
    view.limit(start + length).position(start);
    return view;
  }
}
