package io.keel.raft.storage.file;

import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The open segments in index order: the in-memory index from a log index to its file position.
 * The writer thread changes it; the node's thread looks records up in it. Every access takes this
 * object's lock, briefly: no I/O is done while holding it.
 */
final class SegmentList {

  /** Where the record of one index lies. */
  record Location(Segment segment, FileChannel channel, long offset, int length) {}

  private final List<Segment> segments = new ArrayList<>();

  SegmentList(List<Segment> recovered) {
    segments.addAll(recovered);
  }

  synchronized List<Segment> all() {
    return List.copyOf(segments);
  }

  /** The segment appends go to, or null if there is none. */
  synchronized Segment last() {
    return segments.isEmpty() ? null : segments.get(segments.size() - 1);
  }

  synchronized void add(Segment segment) {
    Segment last = last();
    if (last != null && segment.baseIndex != last.lastIndex() + 1) {
      throw new IllegalStateException("segment " + segment + " does not follow " + last);
    }
    segments.add(segment);
  }

  synchronized void remove(Segment segment) {
    if (!segments.remove(segment)) {
      throw new IllegalStateException("segment " + segment + " is not in the list");
    }
  }

  synchronized void appended(Segment segment, long[] offsets, int count, long newEndOffset) {
    segment.appended(offsets, count, newEndOffset);
  }

  synchronized void truncated(Segment segment, long fromIndex, long newEndOffset) {
    segment.truncated(fromIndex, newEndOffset);
  }

  /**
   * Where the record of {@code index} lies.
   *
   * @throws IllegalStateException if no segment holds it (a bug: the caller checked the range)
   */
  synchronized Location locate(long index) {
    int low = 0;
    int high = segments.size() - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      Segment segment = segments.get(middle);
      if (index < segment.baseIndex) {
        high = middle - 1;
      } else if (index > segment.lastIndex()) {
        low = middle + 1;
      } else {
        return new Location(segment, segment.channel, segment.offsetOf(index), segment.lengthOf(index));
      }
    }
    throw new IllegalStateException("no segment holds index " + index + " in " + segments);
  }
}
