package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
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
import io.keel.raft.message.TimeoutNow;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.transport.netty.wire.WireCodec;
import io.keel.transport.netty.wire.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What each message counts for against {@code outboundQueueBytes}: never less than the frame it
 * becomes, with the group and sender ids at their longest, so that the queue's byte bound bounds
 * the bytes queued; and for the messages whose size varies, not much more either.
 */
class QueueEstimateTest {

  private static final String LONGEST = "x".repeat(WireFormat.MAX_SHORT_STRING_BYTES);
  private static final GroupId GROUP = GroupId.of(LONGEST);
  private static final NodeId FROM = NodeId.of(LONGEST);

  private static int frameBytes(Message message) {
    ByteBuf out = Unpooled.buffer();
    try {
      WireCodec.encodeMessage(GROUP, message, out);
      return out.readableBytes();
    } finally {
      out.release();
    }
  }

  private static void assertCoversTheFrame(Message message) {
    long estimate = PeerLink.estimatedSize(message);
    int frame = frameBytes(message);
    assertTrue(estimate >= frame, message + ": estimated " + estimate + " bytes, the frame takes " + frame);
  }

  /**
   * Members 0 to {@code count - 1}, each id as long as ids get and each address as long as
   * addresses get; every third a learner, the others voters.
   */
  private static Configuration configuration(int count) {
    TreeSet<NodeId> voters = new TreeSet<>();
    TreeSet<NodeId> learners = new TreeSet<>();
    TreeMap<NodeId, String> addresses = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String number = Integer.toString(i);
      NodeId member = NodeId.of(number + "v".repeat(WireFormat.MAX_SHORT_STRING_BYTES - number.length()));
      (i % 3 == 2 ? learners : voters).add(member);
      addresses.put(member, "a".repeat(Configuration.MAX_ADDRESS_BYTES));
    }
    return new Configuration(voters, new TreeSet<>(), learners, addresses);
  }

  @Test
  void everyFixedSizeMessageFitsTheOverhead() {
    assertCoversTheFrame(new PreVote(Long.MAX_VALUE, FROM, 1, 1));
    assertCoversTheFrame(new PreVoteResponse(1, FROM, true));
    assertCoversTheFrame(new RequestVote(Long.MAX_VALUE, FROM, 1, 1, true));
    assertCoversTheFrame(new TimeoutNow(Long.MAX_VALUE, FROM));
    assertCoversTheFrame(new RequestVoteResponse(1, FROM, true));
    assertCoversTheFrame(AppendEntriesResponse.rejected(1, FROM, 5, 1, 2));
    assertCoversTheFrame(new InstallSnapshotResponse(1, FROM, 5, 100, false));
    assertCoversTheFrame(new AppendEntries(1, FROM, 0, 0, List.of(), 0));
    assertCoversTheFrame(new AppendEntries(1, FROM, 0, 0,
        List.of(LogEntry.command(1, 1, new byte[1000]), LogEntry.noOp(2, 1)), 0));
  }

  @Test
  void anInstallSnapshotCountsItsChunkAndConfiguration() {
    for (int members : new int[] {1, 3, Configuration.MAX_MEMBERS}) {
      SnapshotMeta meta = new SnapshotMeta(10, 2, configuration(members));
      for (int dataBytes : new int[] {0, 1, 4096, 1 << 20}) {
        InstallSnapshot chunk = new InstallSnapshot(3, FROM, meta, 1L << 40, 0xFFFF_FFFFL, 7, new byte[dataBytes]);
        assertCoversTheFrame(chunk);
        long slack = PeerLink.estimatedSize(chunk) - frameBytes(chunk);
        assertTrue(slack <= PeerLink.MESSAGE_OVERHEAD_BYTES, chunk + ": " + slack + " bytes above the frame");
      }
    }
  }

  @Test
  void theChunkAndConfigurationAreCountedExactly() {
    SnapshotMeta small = new SnapshotMeta(10, 2, configuration(1));
    SnapshotMeta large = new SnapshotMeta(10, 2, configuration(Configuration.MAX_MEMBERS));
    InstallSnapshot probe = new InstallSnapshot(3, FROM, small, 100, 0, 0, new byte[0]);
    InstallSnapshot bigger = new InstallSnapshot(3, FROM, large, 100, 0, 0, new byte[100]);
    assertEquals(frameBytes(bigger) - frameBytes(probe),
        PeerLink.estimatedSize(bigger) - PeerLink.estimatedSize(probe));
  }
}
