package io.keel.transport.netty.wire;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * What frames cost on the wire, measured by encoding sample frames with {@link WireCodec} rather
 * than restated, so that a check of settings against a frame limit cannot drift from the codec.
 * Sizes are of a frame's body: the bytes after its length field, which is what a frame limit
 * bounds.
 */
public final class FrameSizes {

  private static final GroupId SAMPLE_GROUP = GroupId.of("g");
  private static final NodeId SAMPLE_NODE = NodeId.of("n");

  /** Body bytes one log entry adds to an AppendEntries frame on top of its command. */
  public static final int ENTRY_OVERHEAD_BYTES =
      appendEntriesBodyBytes(SAMPLE_GROUP, SAMPLE_NODE, 1) - appendEntriesBodyBytes(SAMPLE_GROUP, SAMPLE_NODE, 0);

  private FrameSizes() {}

  /**
   * Body bytes of a MESSAGE frame of {@code group} carrying an AppendEntries from {@code from} with
   * no entries: everything an AppendEntries costs besides its entries.
   */
  public static int emptyAppendEntriesBodyBytes(GroupId group, NodeId from) {
    return appendEntriesBodyBytes(group, from, 0);
  }

  /**
   * Body bytes of {@code message}'s chunk and configuration: all that an InstallSnapshot frame
   * takes beyond the fixed fields and the group and sender ids, which add at most as much as they
   * add to any other message.
   */
  public static long installSnapshotVariableBytes(InstallSnapshot message) {
    return (long) message.data().length + SnapshotMessageCodec.configurationBytes(message.meta());
  }

  /**
   * Body bytes of a MESSAGE frame of {@code group} carrying an InstallSnapshot from {@code from}
   * with a chunk of {@code chunkBytes}, at worst: its meta holds the largest configuration there
   * can be ({@link ConfigurationCodec#MAX_ENCODED_BYTES}), since a group's members change while it
   * runs and any snapshot it takes records them.
   */
  public static long installSnapshotBodyBytes(GroupId group, NodeId from, int chunkBytes) {
    SnapshotMeta meta = new SnapshotMeta(Long.MAX_VALUE, Long.MAX_VALUE, Configuration.ofVoters(List.of(from)));
    InstallSnapshot empty = new InstallSnapshot(Long.MAX_VALUE, from, meta, Long.MAX_VALUE, SnapshotInfo.MAX_CHECKSUM,
        0, new byte[0]);
    long sampleConfigurationBytes = SnapshotMessageCodec.configurationBytes(meta);
    return bodyBytes(new Frame.MessageFrame(group, empty)) - sampleConfigurationBytes
        + ConfigurationCodec.MAX_ENCODED_BYTES + chunkBytes;
  }

  /**
   * Body bytes of the largest HELLO any node can send: every identifier at its longest. Any
   * {@code handshakeFrameBytes} must hold it.
   */
  public static int largestHelloBodyBytes() {
    String longest = "x".repeat(WireFormat.MAX_SHORT_STRING_BYTES);
    return bodyBytes(new Frame.Hello(longest, NodeId.of(longest), NodeId.of(longest)));
  }

  /** Body bytes of a REJECT frame with {@code reason}. */
  public static int rejectBodyBytes(String reason) {
    return bodyBytes(new Frame.Reject(reason));
  }

  private static int appendEntriesBodyBytes(GroupId group, NodeId from, int entries) {
    LogEntry[] sample = new LogEntry[entries];
    for (int i = 0; i < entries; i++) {
      sample[i] = LogEntry.noOp(i + 1, 1);
    }
    return bodyBytes(new Frame.MessageFrame(group, new AppendEntries(1, from, 0, 0, List.of(sample), 0)));
  }

  private static int bodyBytes(Frame frame) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      WireCodec.encode(frame, buffer);
      return buffer.readableBytes() - WireFormat.LENGTH_FIELD_BYTES;
    } finally {
      buffer.release();
    }
  }
}
