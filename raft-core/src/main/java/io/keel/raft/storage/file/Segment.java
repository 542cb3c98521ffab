package io.keel.raft.storage.file;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open segment file: where each of its records starts, and where the next one goes. Its
 * mutable fields are read and changed only under the lock of the {@link SegmentList} that holds
 * it, since the writer thread appends while the node's thread reads.
 */
final class Segment {

  final Path file;
  final long baseIndex;
  final long previousTerm;
  final FileChannel channel;
  /** The offset of the record of {@code baseIndex + i} is {@code offsets.get(i)}. */
  private final LongList offsets;
  private long endOffset;

  Segment(Path file, long baseIndex, long previousTerm, FileChannel channel, LongList offsets, long endOffset) {
    this.file = file;
    this.baseIndex = baseIndex;
    this.previousTerm = previousTerm;
    this.channel = channel;
    this.offsets = offsets;
    this.endOffset = endOffset;
  }

  int entryCount() {
    return offsets.size();
  }

  /** The index of the last record, or {@code baseIndex - 1} if there is none. */
  long lastIndex() {
    return baseIndex + offsets.size() - 1;
  }

  long endOffset() {
    return endOffset;
  }

  boolean holds(long index) {
    return index >= baseIndex && index <= lastIndex();
  }

  long offsetOf(long index) {
    return offsets.get((int) (index - baseIndex));
  }

  /** The size in bytes of the record of {@code index}. */
  int lengthOf(long index) {
    long next = index == lastIndex() ? endOffset : offsetOf(index + 1);
    return (int) (next - offsetOf(index));
  }

  void appended(long[] recordOffsets, int count, long newEndOffset) {
    for (int i = 0; i < count; i++) {
      offsets.add(recordOffsets[i]);
    }
    endOffset = newEndOffset;
  }

  /** Forgets the records from {@code fromIndex} on, whose bytes now end at {@code newEndOffset}. */
  void truncated(long fromIndex, long newEndOffset) {
    offsets.truncate((int) (fromIndex - baseIndex));
    endOffset = newEndOffset;
  }

  @Override
  public String toString() {
    return file.getFileName() + "[" + baseIndex + ".." + lastIndex() + "]";
  }
}
