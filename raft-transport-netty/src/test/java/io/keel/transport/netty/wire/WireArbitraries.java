package io.keel.transport.netty.wire;

import io.keel.raft.Configuration;
import io.keel.raft.EntryType;
import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.LeadershipCheckResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.ReadIndexRequest;
import io.keel.raft.message.ReadIndexResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.message.TimeoutNow;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of valid frames for the wire properties. Sizes are parameters so that the round trip
 * can use big AppendEntries while the byte-by-byte mutation properties stay fast.
 */
final class WireArbitraries {

  private static final String ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

  /**
   * How big generated frames may get. A configuration has up to {@code maxMembers} members, each
   * address up to {@code maxAddressChars} characters; a configuration entry has at most
   * {@link #ENTRY_MEMBERS} members, so that an AppendEntries of many entries stays small.
   */
  record Sizes(int maxIdLength, int maxEntries, int maxCommandBytes, int maxReasonChars, int maxMembers,
      int maxAddressChars, int maxChunkBytes) {}

  /**
   * The largest the brief asks of the round trip: 64 entries of up to 2000 bytes, snapshot chunks
   * of up to 2000 bytes, and configurations of up to the most members there may be, with addresses
   * up to the longest allowed.
   */
  static final Sizes FULL = new Sizes(64, 64, 2000, WireFormat.MAX_REASON_BYTES, Configuration.MAX_MEMBERS,
      Configuration.MAX_ADDRESS_BYTES, 2000);
  /** Middling frames, several of which make a stream. */
  static final Sizes MEDIUM = new Sizes(64, 16, 300, 200, 16, 40, 300);
  /** Frames of a few dozen bytes, for properties that try every byte of them. */
  static final Sizes SMALL = new Sizes(8, 3, 8, 12, 3, 6, 8);

  /** The most members of a generated configuration entry. */
  static final int ENTRY_MEMBERS = 5;

  /**
   * The roles a member may hold, as the codec's flags would say: voter, voter of both halves of a
   * joint configuration, outgoing voter only (being removed), learner, and outgoing voter becoming
   * a learner (being demoted).
   */
  private enum Role { VOTER, VOTER_BOTH, OUTGOING, LEARNER, DEMOTED }

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

  /** The four read messages, with every round, request id and read index they may carry. */
  private static Arbitrary<Message> readMessages(Arbitrary<Long> terms, Sizes sizes) {
    Arbitrary<Long> rounds = Arbitraries.longs().between(1, Long.MAX_VALUE);
    Arbitrary<Long> ids = Arbitraries.longs();
    Arbitrary<Long> indexes = Arbitraries.longs().between(0, Long.MAX_VALUE);
    return Arbitraries.oneOf(
        Combinators.combine(terms, nodeIds(sizes), rounds).as(LeadershipCheck::new),
        Combinators.combine(terms, nodeIds(sizes), rounds).as(LeadershipCheckResponse::new),
        Combinators.combine(terms, nodeIds(sizes), ids).as(ReadIndexRequest::new),
        Combinators.combine(terms, nodeIds(sizes), ids, indexes, Arbitraries.of(true, false))
            .as((term, from, id, index, ok) -> new ReadIndexResponse(term, from, id, ok ? index : 0, ok)));
  }

  static Arbitrary<Message> messages(Sizes sizes) {
    Arbitrary<Long> terms = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<long[]> positions = logPositions(0);
    Arbitrary<Message> preVotes = Combinators.combine(terms, nodeIds(sizes), positions)
        .as((term, from, last) -> new PreVote(term, from, last[0], last[1]));
    Arbitrary<Message> requestVotes = Combinators.combine(terms, nodeIds(sizes), positions, Arbitraries.of(true, false))
        .as((term, from, last, transfer) -> new RequestVote(term, from, last[0], last[1], transfer));
    Arbitrary<Message> timeoutNows = Combinators.combine(terms, nodeIds(sizes)).as(TimeoutNow::new);
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
        Tuple.of(1, installSnapshotResponses(sizes)),
        Tuple.of(1, timeoutNows),
        Tuple.of(2, readMessages(terms, sizes)));
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

  /** Metas of a snapshot worth sending: at least one entry, and any configuration with a voter. */
  static Arbitrary<SnapshotMeta> snapshotMetas(Sizes sizes) {
    Arbitrary<long[]> lasts = Combinators.combine(
            Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.longs().between(1, Long.MAX_VALUE))
        .as((index, term) -> new long[] {index, term});
    return Combinators.combine(lasts, configurations(sizes, sizes.maxMembers()))
        .as((last, configuration) -> new SnapshotMeta(last[0], last[1], configuration));
  }

  /**
   * Configurations with at least one voter, of one to {@code maxMembers} members: mostly a handful,
   * sometimes any number, sometimes the most allowed. Some are joint, some have learners (some of
   * them voters being demoted), and each member may carry an address or not.
   */
  static Arbitrary<Configuration> configurations(Sizes sizes, int maxMembers) {
    Arbitrary<Integer> counts = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(1, Math.min(7, maxMembers))),
        Tuple.of(2, Arbitraries.integers().between(1, maxMembers)),
        Tuple.of(1, Arbitraries.just(maxMembers)));
    Arbitrary<Role> roles = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Role.VOTER)), Tuple.of(1, Arbitraries.just(Role.VOTER_BOTH)),
        Tuple.of(1, Arbitraries.just(Role.OUTGOING)), Tuple.of(2, Arbitraries.just(Role.LEARNER)),
        Tuple.of(1, Arbitraries.just(Role.DEMOTED)));
    return counts.flatMap(count -> Combinators.combine(
            nodeIds(sizes).list().uniqueElements().ofSize(count),
            roles.list().ofSize(count),
            addresses(sizes).injectNull(0.4).list().ofSize(count))
        .as(WireArbitraries::configuration));
  }

  private static Configuration configuration(List<NodeId> members, List<Role> roles, List<String> addresses) {
    TreeSet<NodeId> voters = new TreeSet<>();
    TreeSet<NodeId> outgoing = new TreeSet<>();
    TreeSet<NodeId> learners = new TreeSet<>();
    TreeMap<NodeId, String> addressed = new TreeMap<>();
    for (int i = 0; i < members.size(); i++) {
      NodeId member = members.get(i);
      // The first member always votes in the configuration being entered: there must be a voter.
      Role role = i == 0 ? Role.VOTER : roles.get(i);
      if (role == Role.VOTER || role == Role.VOTER_BOTH) {
        voters.add(member);
      }
      if (role == Role.VOTER_BOTH || role == Role.OUTGOING || role == Role.DEMOTED) {
        outgoing.add(member);
      }
      if (role == Role.LEARNER || role == Role.DEMOTED) {
        learners.add(member);
      }
      if (addresses.get(i) != null) {
        addressed.put(member, addresses.get(i));
      }
    }
    return new Configuration(voters, outgoing, learners, addressed);
  }

  /**
   * Addresses as the codec takes them, 1 to 255 bytes of UTF-8: mostly {@code host:port} (which
   * may pass {@code maxAddressChars} by up to six), some in any characters.
   */
  static Arbitrary<String> addresses(Sizes sizes) {
    int maxChars = sizes.maxAddressChars();
    Arbitrary<String> hostPorts = Combinators.combine(
            Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.-").ofMinLength(1)
                .ofMaxLength(Math.max(1, maxChars - 6)),
            Arbitraries.integers().between(1, 65535))
        .as((host, port) -> host + ":" + port);
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(maxChars);
    // At most four bytes a code point: a quarter of the limit always fits.
    Arbitrary<String> unicode = Arbitraries.integers().between(1, Character.MAX_CODE_POINT)
        .filter(codePoint -> codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE)
        .list().ofMinSize(1).ofMaxSize(Math.max(1, maxChars / 4))
        .map(WireArbitraries::fromCodePoints);
    return Arbitraries.frequencyOf(Tuple.of(4, hostPorts), Tuple.of(1, ascii), Tuple.of(1, unicode));
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

  /**
   * The shape of one entry before it gets its index: a no-op, a configuration entry, or a command
   * that comes from a seeded generator.
   */
  private record EntryShape(long term, EntryType type, Configuration configuration, int commandBytes, long seed) {}

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
    Arbitrary<EntryType> types = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(EntryType.NO_OP)),
        Tuple.of(1, Arbitraries.just(EntryType.CONFIGURATION)), Tuple.of(4, Arbitraries.just(EntryType.COMMAND)));
    return Combinators.combine(
            Arbitraries.longs().between(lowestTerm, highestTerm),
            types,
            configurations(sizes, Math.min(ENTRY_MEMBERS, sizes.maxMembers())),
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
      if (shape.type() == EntryType.NO_OP) {
        entries.add(LogEntry.noOp(index, shape.term()));
      } else if (shape.type() == EntryType.CONFIGURATION) {
        entries.add(LogEntry.configuration(index, shape.term(), shape.configuration()));
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
