package io.keel.transport.netty.wire;

import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Generators of valid frames for the wire properties. Sizes are parameters so that the round trip
 * can use big AppendEntries while the byte-by-byte mutation properties stay fast.
 */
final class WireArbitraries {

  private static final String ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

  /** How big generated frames may get. */
  record Sizes(int maxIdLength, int maxEntries, int maxCommandBytes, int maxReasonChars, int maxVoters,
      int maxChunkBytes) {}

  /**
   * The largest the brief asks of the round trip: 64 entries of up to 2000 bytes, snapshot chunks
   * of up to 2000 bytes, and metas of up to the most voters a snapshot may record.
   */
  static final Sizes FULL = new Sizes(64, 64, 2000, WireFormat.MAX_REASON_BYTES, SnapshotMeta.MAX_VOTERS, 2000);
  /** Middling frames, several of which make a stream. */
  static final Sizes MEDIUM = new Sizes(64, 16, 300, 200, 16, 300);
  /** Frames of a few dozen bytes, for properties that try every byte of them. */
  static final Sizes SMALL = new Sizes(8, 3, 8, 12, 3, 8);

  private WireArbitraries() {}

  static Arbitrary<Frame> frames(Sizes sizes) {
    return Arbitraries.frequencyOf(
        Tuple.of(1, hellos(sizes)),
        Tuple.of(1, helloAcks(sizes)),
        Tuple.of(1, rejects(sizes)),
        Tuple.of(1, Arbitraries.just(Frame.Ping.INSTANCE)),
        Tuple.of(6, messageFrames(sizes)));
  }

  static Arbitrary<Frame> messageFrames(Sizes sizes) {
    return Combinators.combine(groupIds(sizes), messages(sizes)).as(Frame.MessageFrame::new);
  }

  static Arbitrary<String> ids(Sizes sizes) {
    return Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(sizes.maxIdLength());
  }

  static Arbitrary<NodeId> nodeIds(Sizes sizes) {
    return ids(sizes).map(NodeId::new);
  }

  static Arbitrary<GroupId> groupIds(Sizes sizes) {
    return ids(sizes).map(GroupId::new);
  }

  static Arbitrary<Frame> hellos(Sizes sizes) {
    return Combinators.combine(ids(sizes), nodeIds(sizes), nodeIds(sizes)).as(Frame.Hello::new);
  }

  static Arbitrary<Frame> helloAcks(Sizes sizes) {
    return Combinators.combine(ids(sizes), nodeIds(sizes)).as(Frame.HelloAck::new);
  }

  /** Reasons in ASCII up to the 1024-byte limit, or any code points (never lone surrogates). */
  static Arbitrary<Frame> rejects(Sizes sizes) {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(sizes.maxReasonChars());
    Arbitrary<String> unicode = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
        .filter(codePoint -> codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE)
        .list().ofMaxSize(sizes.maxReasonChars() / 4)
        .map(WireArbitraries::fromCodePoints);
    return Arbitraries.oneOf(ascii, unicode).map(Frame.Reject::new);
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  static Arbitrary<Message> messages(Sizes sizes) {
    Arbitrary<Long> terms = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<long[]> positions = logPositions(0);
    Arbitrary<Message> preVotes = Combinators.combine(terms, nodeIds(sizes), positions)
        .as((term, from, last) -> new PreVote(term, from, last[0], last[1]));
    Arbitrary<Message> requestVotes = Combinators.combine(terms, nodeIds(sizes), positions)
        .as((term, from, last) -> new RequestVote(term, from, last[0], last[1]));
    Arbitrary<Message> preVoteResponses = Combinators.combine(terms, nodeIds(sizes), Arbitraries.of(true, false))
        .as(PreVoteResponse::new);
    Arbitrary<Message> voteResponses = Combinators.combine(terms, nodeIds(sizes), Arbitraries.of(true, false))
        .as(RequestVoteResponse::new);
    return Arbitraries.frequencyOf(
        Tuple.of(1, preVotes),
        Tuple.of(1, requestVotes),
        Tuple.of(1, preVoteResponses),
        Tuple.of(1, voteResponses),
        Tuple.of(4, appendEntries(sizes)),
        Tuple.of(2, appendEntriesResponses(sizes)),
        Tuple.of(2, installSnapshots(sizes)),
        Tuple.of(1, installSnapshotResponses(sizes)));
  }

  /** The two snapshot messages alone, InstallSnapshot more often. */
  static Arbitrary<Message> snapshotMessages(Sizes sizes) {
    return Arbitraries.frequencyOf(Tuple.of(3, installSnapshots(sizes)), Tuple.of(1, installSnapshotResponses(sizes)));
  }

  /**
   * Chunks of any valid shape: empty (a probe) or not, at the start of the payload, at its end, or
   * anywhere between, of payloads from the chunk's own length up to nearly {@code Long.MAX_VALUE}.
   */
  static Arbitrary<Message> installSnapshots(Sizes sizes) {
    Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(0)), Tuple.of(3, Arbitraries.integers().between(1, sizes.maxChunkBytes())));
    Arbitrary<byte[]> chunks = Combinators.combine(lengths, Arbitraries.longs())
        .as((length, seed) -> {
          byte[] data = new byte[length];
          new SplittableRandom(seed).nextBytes(data);
          return data;
        });
    Arbitrary<Long> rest = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 100), Arbitraries.longs().between(0, Long.MAX_VALUE - sizes.maxChunkBytes()));
    return Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE), nodeIds(sizes), snapshotMetas(sizes),
            Arbitraries.longs().between(0, SnapshotInfo.MAX_CHECKSUM), chunks, rest)
        .flatAs((term, from, meta, checksum, data, otherBytes) -> Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.just(otherBytes)),
                Tuple.of(2, Arbitraries.longs().between(0, otherBytes)))
            .map(offset -> new InstallSnapshot(term, from, meta, data.length + otherBytes, checksum, offset, data)));
  }

  /**
   * Metas of a snapshot worth sending: at least one entry, and one to {@code maxVoters} voters:
   * mostly a handful, sometimes any number, sometimes the most allowed.
   */
  static Arbitrary<SnapshotMeta> snapshotMetas(Sizes sizes) {
    Arbitrary<NodeId> voter = nodeIds(sizes);
    Arbitrary<List<NodeId>> few = voter.list().uniqueElements().ofMinSize(1).ofMaxSize(Math.min(7, sizes.maxVoters()))
        .withSizeDistribution(RandomDistribution.uniform());
    Arbitrary<List<NodeId>> any = voter.list().uniqueElements().ofMinSize(1).ofMaxSize(sizes.maxVoters())
        .withSizeDistribution(RandomDistribution.uniform());
    Arbitrary<List<NodeId>> most = voter.list().uniqueElements().ofSize(sizes.maxVoters());
    Arbitrary<long[]> lasts = Combinators.combine(
            Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.longs().between(1, Long.MAX_VALUE))
        .as((index, term) -> new long[] {index, term});
    return Combinators.combine(lasts, Arbitraries.frequencyOf(Tuple.of(6, few), Tuple.of(2, any), Tuple.of(1, most)))
        .as((last, voters) -> new SnapshotMeta(last[0], last[1], voters));
  }

  static Arbitrary<Message> installSnapshotResponses(Sizes sizes) {
    Arbitrary<Long> values = Arbitraries.longs().between(0, Long.MAX_VALUE);
    return Combinators.combine(values, nodeIds(sizes), Arbitraries.longs().between(1, Long.MAX_VALUE), values,
            Arbitraries.of(true, false))
        .as(InstallSnapshotResponse::new);
  }

  /** A valid (index, term) pair: (0, 0), or both at least 1, leaving room for {@code headroom} more. */
  static Arbitrary<long[]> logPositions(int headroom) {
    Arbitrary<long[]> nonEmpty = Combinators.combine(
            Arbitraries.longs().between(1, Long.MAX_VALUE - headroom - 1),
            Arbitraries.longs().between(1, Long.MAX_VALUE))
        .as((index, term) -> new long[] {index, term});
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(new long[] {0, 0})),
        Tuple.of(4, nonEmpty));
  }

  static Arbitrary<Message> appendEntriesResponses(Sizes sizes) {
    Arbitrary<Long> values = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<Message> accepted = Combinators.combine(values, nodeIds(sizes), values)
        .as(AppendEntriesResponse::accepted);
    Arbitrary<Message> rejected = Combinators.combine(values, nodeIds(sizes), values, values, values)
        .as(AppendEntriesResponse::rejected);
    return Arbitraries.oneOf(accepted, rejected);
  }

  /** The shape of one entry before it gets its index: the command comes from a seeded generator. */
  private record EntryShape(long term, boolean noOp, int commandBytes, long seed) {}

  static Arbitrary<Message> appendEntries(Sizes sizes) {
    // Small terms too, so that several entries often share a term.
    Arbitrary<Long> terms = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 20), Arbitraries.longs().between(0, Long.MAX_VALUE));
    return Combinators.combine(terms, nodeIds(sizes), logPositions(sizes.maxEntries()),
            Arbitraries.longs().between(0, Long.MAX_VALUE))
        .flatAs((term, from, previous, leaderCommit) -> {
          long lowestEntryTerm = Math.max(1, previous[1]);
          if (lowestEntryTerm > term) {
            return Arbitraries.just(new AppendEntries(term, from, previous[0], previous[1], List.of(), leaderCommit));
          }
          return entryShapes(sizes, lowestEntryTerm, term).map(shapes ->
              new AppendEntries(term, from, previous[0], previous[1], entries(previous[0], shapes), leaderCommit));
        });
  }

  private static Arbitrary<List<EntryShape>> entryShapes(Sizes sizes, long lowestTerm, long highestTerm) {
    return Combinators.combine(
            Arbitraries.longs().between(lowestTerm, highestTerm),
            Arbitraries.of(true, false, false, false),
            Arbitraries.integers().between(0, sizes.maxCommandBytes()),
            Arbitraries.longs())
        .as(EntryShape::new)
        .list().ofMaxSize(sizes.maxEntries());
  }

  private static List<LogEntry> entries(long prevLogIndex, List<EntryShape> shapes) {
    List<EntryShape> byTerm = new ArrayList<>(shapes);
    byTerm.sort(Comparator.comparingLong(EntryShape::term));
    List<LogEntry> entries = new ArrayList<>();
    long index = prevLogIndex;
    for (EntryShape shape : byTerm) {
      index++;
      if (shape.noOp()) {
        entries.add(LogEntry.noOp(index, shape.term()));
      } else {
        byte[] command = new byte[shape.commandBytes()];
        new SplittableRandom(shape.seed()).nextBytes(command);
        entries.add(LogEntry.command(index, shape.term(), command));
      }
    }
    return entries;
  }

  /** The encoded frame, length prefix included. */
  static byte[] encoded(Frame frame) {
    ByteBuf out = Unpooled.buffer();
    WireCodec.encode(frame, out);
    return ByteBufUtil.getBytes(out);
  }

  /** The encoded frames one after another, as they would cross a connection. */
  static byte[] encoded(List<Frame> frames) {
    ByteBuf out = Unpooled.buffer();
    frames.forEach(frame -> WireCodec.encode(frame, out));
    return ByteBufUtil.getBytes(out);
  }

  /** The body of the encoded frame: everything after the length prefix. */
  static byte[] body(Frame frame) {
    byte[] whole = encoded(frame);
    byte[] body = new byte[whole.length - WireFormat.LENGTH_FIELD_BYTES];
    System.arraycopy(whole, WireFormat.LENGTH_FIELD_BYTES, body, 0, body.length);
    return body;
  }
}
