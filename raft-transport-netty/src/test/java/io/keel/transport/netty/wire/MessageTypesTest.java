package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.Configuration;
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
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every kind of {@link Message} the core permits has a message type of its own on the wire, and
 * the types run from 1 to {@link WireFormat#LAST_MESSAGE_TYPE} with no gap: a message added to the
 * core without a wire encoding fails here rather than on a running cluster.
 */
class MessageTypesTest {

  private static final NodeId FROM = NodeId.of("n1");

  /** One message of each kind, the flags, entry types and messages added in wire versions 3 and 4 among them. */
  private static final List<Message> SAMPLES = List.of(
      new PreVote(3, FROM, 7, 2),
      new PreVoteResponse(3, FROM, true),
      new RequestVote(3, FROM, 7, 2, true),
      new RequestVoteResponse(3, FROM, false),
      new AppendEntries(3, FROM, 4, 2, List.of(LogEntry.configuration(5, 3,
          Configuration.ofVoters(List.of(FROM, NodeId.of("n2"))))), 4),
      AppendEntriesResponse.accepted(3, FROM, 5),
      new InstallSnapshot(3, FROM, new SnapshotMeta(10, 2, List.of(FROM)), 100, 5, 0, new byte[4]),
      new InstallSnapshotResponse(3, FROM, 10, 4, false),
      new TimeoutNow(3, FROM),
      new LeadershipCheck(3, FROM, 9),
      new LeadershipCheckResponse(3, FROM, 9),
      new ReadIndexRequest(3, FROM, 12),
      new ReadIndexResponse(3, FROM, 12, 40, true));

  @Test
  void everyKindOfMessageHasItsOwnTypeAndSurvivesTheRoundTrip() throws Exception {
    Map<Class<?>, Integer> types = new HashMap<>();
    for (Message message : SAMPLES) {
      ByteBuf out = Unpooled.buffer();
      WireCodec.encodeMessage(GroupId.of("g"), message, out);
      int type = out.getUnsignedByte(WireFormat.LENGTH_FIELD_BYTES + 2 + 2);
      types.put(message.getClass(), type);
      out.skipBytes(WireFormat.LENGTH_FIELD_BYTES);
      assertEquals(new Frame.MessageFrame(GroupId.of("g"), message), WireCodec.decode(out));
    }

    Set<Class<?>> permitted = Set.of(Message.class.getPermittedSubclasses());
    assertEquals(permitted, types.keySet(), "a sample and a wire type for every kind of message");
    TreeSet<Integer> numbers = new TreeSet<>(types.values());
    assertEquals(types.size(), numbers.size(), "no two kinds share a type: " + types);
    assertEquals(1, numbers.first());
    assertEquals(WireFormat.LAST_MESSAGE_TYPE, numbers.last());
    assertEquals(WireFormat.LAST_MESSAGE_TYPE, numbers.size(), "no gap: " + numbers);
    assertEquals(WireFormat.MESSAGE_TIMEOUT_NOW, types.get(TimeoutNow.class));
  }
}
