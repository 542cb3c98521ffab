package io.keel.raft.storage.file;

import io.keel.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code manifest} file of a format version 2 directory: the hard state, where the log starts,
 * and how far the log is known to reach, so that opening can tell a log that lost files from one
 * a crash left short. Replaced atomically ({@link MetaFiles}); docs/storage.md has every byte and
 * the order of writes that keeps it true at every crash point.
 *
 * <pre>
 * payload: term (8) | log start index (8) | log start term (8) | newest segment's base index (8) |
 *          durable index (8) | durable term (8) | vote length in bytes (2) | vote, UTF-8 (0 to 64)
 * </pre>
 *
 * @param hardState the current term and vote
 * @param start the entry before the first one kept
 * @param newestSegment the base index of the newest segment, whose file exists and whose header is
 *     durable; 0 if the log has no segment
 * @param durableIndex an index the log is known to reach durably: every entry up to it after the
 *     log start is in the segments (the log may reach further)
 * @param durableTerm the term of the entry at {@code durableIndex}
 */
record Manifest(HardState hardState, MetaFiles.LogStart start, long newestSegment, long durableIndex,
    long durableTerm) {

  static final String FILE_NAME = "manifest";
  static final int MAGIC = 0x4B4D414E; // "KMAN"
  /** The directory's format version, which the manifest carries. */
  static final int VERSION = 2;
  private static final int FIXED_PAYLOAD_BYTES = 50;

  /** Validates the manifest: a broken one is a bug when written and damage when read. */
  Manifest {
    String problem = problem(start, newestSegment, durableIndex, durableTerm);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The manifest of a new, empty log. */
  static Manifest initial() {
    return new Manifest(HardState.INITIAL, MetaFiles.LogStart.ORIGIN, 0, 0, 0);
  }

  Manifest withHardState(HardState state) {
    return new Manifest(state, start, newestSegment, durableIndex, durableTerm);
  }

  /** This manifest with the log durable through {@code index}@{@code term}. */
  Manifest withDurable(long index, long term) {
    return new Manifest(hardState, start, newestSegment, index, term);
  }

  /** This manifest with a new log extent: where it starts, its newest segment, how far it is durable. */
  Manifest withLog(MetaFiles.LogStart newStart, long newNewestSegment, long newDurableIndex, long newDurableTerm) {
    return new Manifest(hardState, newStart, newNewestSegment, newDurableIndex, newDurableTerm);
  }

  /** What is impossible about these fields, or null if nothing is. */
  private static String problem(MetaFiles.LogStart start, long newestSegment, long durableIndex, long durableTerm) {
    if (start.index() < 0 || start.term() < 0 || (start.index() == 0) != (start.term() == 0)) {
      return "impossible log start " + start;
    }
    if (durableIndex < start.index() || durableTerm < start.term() || (durableIndex > 0 && durableTerm < 1)
        || (durableIndex == start.index() && durableTerm != start.term())) {
      return "durable index " + durableIndex + "@" + durableTerm + " is impossible after the log start " + start;
    }
    if (newestSegment < 0 || newestSegment > durableIndex + 1) {
      return "the newest segment's base index " + newestSegment + " is impossible with durable index "
          + durableIndex;
    }
    if (newestSegment == 0 && durableIndex != start.index()) {
      return "no segment, yet the log is durable through index " + durableIndex + " after the log start " + start;
    }
    return null;
  }

  /** Reads the manifest in {@code file}, refusing any damage or impossible content. */
  static Manifest read(Path file) throws IOException {
    ByteBuffer payload = MetaFiles.read(file, MAGIC, VERSION);
    if (payload.remaining() < FIXED_PAYLOAD_BYTES) {
      throw new CorruptLogException(file, 12, "the manifest payload has " + payload.remaining()
          + " bytes, fewer than " + FIXED_PAYLOAD_BYTES);
    }
    long term = payload.getLong();
    MetaFiles.LogStart start = new MetaFiles.LogStart(payload.getLong(), payload.getLong());
    long newestSegment = payload.getLong();
    long durableIndex = payload.getLong();
    long durableTerm = payload.getLong();
    int voteLength = payload.getShort();
    if (voteLength < 0 || voteLength != payload.remaining()) {
      throw new CorruptLogException(file, 12 + FIXED_PAYLOAD_BYTES - 2, "vote length " + voteLength
          + " does not match the payload");
    }
    String problem = problem(start, newestSegment, durableIndex, durableTerm);
    if (problem != null) {
      throw new CorruptLogException(file, 12, "the manifest is impossible: " + problem);
    }
    try {
      return new Manifest(new HardState(term, MetaFiles.readVote(payload, voteLength)), start, newestSegment,
          durableIndex, durableTerm);
    } catch (IllegalArgumentException e) {
      throw new CorruptLogException(file, 12, "the hard state in the manifest is invalid: " + e.getMessage());
    }
  }

  /** Replaces the manifest in {@code dir} with this one, atomically; durable on return if {@code sync}. */
  void write(Path dir, FileIo io, boolean sync) throws IOException {
    byte[] vote = hardState.votedFor() == null ? new byte[0]
        : hardState.votedFor().value().getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(FIXED_PAYLOAD_BYTES + vote.length)
        .putLong(hardState.term())
        .putLong(start.index())
        .putLong(start.term())
        .putLong(newestSegment)
        .putLong(durableIndex)
        .putLong(durableTerm)
        .putShort((short) vote.length)
        .put(vote);
    MetaFiles.replace(dir, FILE_NAME, MAGIC, VERSION, payload.array(), io, sync);
  }

  @Override
  public String toString() {
    return "hard state " + hardState + ", log start " + start + ", newest segment "
        + (newestSegment == 0 ? "none" : SegmentFormat.fileName(newestSegment)) + ", durable through "
        + durableIndex + "@" + durableTerm;
  }
}
