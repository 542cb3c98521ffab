package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.transport.netty.wire.FrameSizes;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group whose largest AppendEntries the transport could not carry is refused at start. */
class GroupLimitsTest {

  private static final NodeId SELF = NodeId.of("node-1");
  private static final GroupId GROUP = GroupId.of("orders");
  private static final int FRAME = 1 << 20;
  private static final TransportOptions OPTIONS = TransportOptions.defaults().withMaxFrameBytes(FRAME);

  @TempDir Path dir;

  private static GroupOptions<String> group(RaftConfig config, int maxCommandBytes) {
    return GroupOptions.<String>builder(GROUP)
        .voters(List.of(SELF, NodeId.of("node-2"), NodeId.of("node-3")))
        .config(config)
        .maxCommandBytes(maxCommandBytes)
        .logStore(listener -> {
          throw new AssertionError("a refused group must not open its log");
        })
        .stateMachine((index, command) -> "")
        .network((g, to, message) -> { })
        .build();
  }

  private static RaftConfig appendBytes(long maxBytesPerAppend) {
    return RaftConfig.builder().maxBytesPerAppend(maxBytesPerAppend).snapshotChunkBytes(FRAME / 2).build();
  }

  @Test
  void a_snapshot_chunk_above_the_frame_limit_is_refused_and_one_that_fills_a_frame_is_not() {
    int fixed = (int) FrameSizes.installSnapshotBodyBytes(GROUP, SELF, 0);
    RaftConfig fits = RaftConfig.builder().maxBytesPerAppend(1024).snapshotChunkBytes(FRAME - fixed).build();
    GroupLimits.check(SELF, group(fits, 1024), OPTIONS);
    RaftConfig tooBig = fits.toBuilder().snapshotChunkBytes(FRAME - fixed + 1).build();
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> GroupLimits.check(SELF, group(tooBig, 1024), OPTIONS));
    assertEquals("group orders on node-1: an InstallSnapshot chunk of snapshotChunkBytes (" + (FRAME - fixed + 1)
        + ") with the largest configuration a snapshot may record takes " + (FRAME + 1) + " bytes, above the "
        + "transport's maxFrameBytes (" + FRAME + "); lower snapshotChunkBytes to at most " + (FRAME - fixed)
        + " or raise maxFrameBytes", refused.getMessage());
  }

  /**
   * The bound is the codec's own, for the largest configuration there can be, whatever the group's
   * voters at start: members change while the group runs, and a snapshot records those of its time.
   */
  @Test
  void the_snapshot_chunk_bound_is_the_frame_of_the_largest_configuration() {
    TreeSet<NodeId> voters = new TreeSet<>();
    TreeMap<NodeId, String> addresses = new TreeMap<>();
    for (int i = 0; i < Configuration.MAX_MEMBERS; i++) {
      String number = Integer.toString(i);
      NodeId member = NodeId.of(number + "n".repeat(NodeId.MAX_LENGTH - number.length()));
      voters.add(member);
      addresses.put(member, "a".repeat(Configuration.MAX_ADDRESS_BYTES));
    }
    Configuration largest = new Configuration(voters, new TreeSet<>(), new TreeSet<>(), addresses);
    assertEquals(ConfigurationCodec.MAX_ENCODED_BYTES, ConfigurationCodec.encode(largest).length);
    InstallSnapshot chunk = new InstallSnapshot(Long.MAX_VALUE, SELF, new SnapshotMeta(Long.MAX_VALUE, Long.MAX_VALUE,
        largest), Long.MAX_VALUE, 0xFFFF_FFFFL, 0, new byte[1000]);
    ByteBuf buffer = Unpooled.buffer();
    WireCodec.encodeMessage(GROUP, chunk, buffer);
    assertEquals(buffer.readableBytes() - 4, FrameSizes.installSnapshotBodyBytes(GROUP, SELF, 1000));
    buffer.release();
  }

  @Test
  void a_frame_limit_too_small_for_the_largest_configuration_asks_for_a_larger_frame() {
    TransportOptions small = TransportOptions.defaults().withMaxFrameBytes(256 * 1024);
    RaftConfig config = RaftConfig.builder().maxBytesPerAppend(1024).snapshotChunkBytes(1024).build();
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> GroupLimits.check(SELF, group(config, 1024), small));
    long needed = FrameSizes.installSnapshotBodyBytes(GROUP, SELF, 1024);
    assertTrue(needed > ConfigurationCodec.MAX_ENCODED_BYTES);
    assertTrue(refused.getMessage().endsWith("raise maxFrameBytes to at least " + needed), refused.getMessage());
  }

  @Test
  void the_defaults_agree() {
    GroupLimits.check(SELF, group(RaftConfig.defaults(), GroupOptions.DEFAULT_MAX_COMMAND_BYTES),
        TransportOptions.defaults());
  }

  @Test
  void the_largest_command_allowed_fills_a_frame_exactly_and_one_byte_more_is_refused() {
    int largest = FRAME - FrameSizes.emptyAppendEntriesBodyBytes(GROUP, SELF) - FrameSizes.ENTRY_OVERHEAD_BYTES;
    GroupLimits.check(SELF, group(appendBytes(1024), largest), OPTIONS);
    // The figure is the codec's own: an AppendEntries with one such command is exactly one frame.
    AppendEntries append = new AppendEntries(3, SELF, 7, 2, List.of(LogEntry.command(8, 3, new byte[largest])), 5);
    assertEquals(FRAME, encodedBodyBytes(append));

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> GroupLimits.check(SELF, group(appendBytes(1024), largest + 1), OPTIONS));
    assertEquals("group orders on node-1: an AppendEntries carrying one command of maxCommandBytes (" + (largest + 1)
        + ") takes " + (FRAME + 1) + " bytes, above the transport's maxFrameBytes (" + FRAME
        + "); lower maxCommandBytes to at most " + largest + " or raise maxFrameBytes", refused.getMessage());
  }

  @Test
  void an_append_budget_above_the_frame_limit_is_refused_naming_both_settings() {
    GroupLimits.check(SELF, group(appendBytes(FRAME / 2), 1024), OPTIONS);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> GroupLimits.check(SELF, group(appendBytes(FRAME), 1024), OPTIONS));
    assertTrue(refused.getMessage().startsWith("group orders on node-1: an AppendEntries filled to maxBytesPerAppend ("
        + FRAME + ") takes up to "), refused.getMessage());
    assertTrue(refused.getMessage().contains("above the transport's maxFrameBytes (" + FRAME + ")"), refused.getMessage());
  }

  @Test
  void a_full_append_budget_in_many_small_entries_fits_within_the_bound_checked() {
    long budget = FRAME - FrameSizes.emptyAppendEntriesBodyBytes(GROUP, SELF);
    GroupLimits.check(SELF, group(appendBytes(budget), 1024), OPTIONS);
    // Entries as a leader picks them: while their counted sizes stay within the budget.
    List<LogEntry> entries = new ArrayList<>();
    long counted = 0;
    for (long index = 1; counted + LogEntry.OVERHEAD_BYTES + 10 <= budget; index++) {
      LogEntry entry = LogEntry.command(index, 1, new byte[10]);
      entries.add(entry);
      counted += entry.sizeBytes();
    }
    assertTrue(encodedBodyBytes(new AppendEntries(1, SELF, 0, 0, entries, 0)) <= FRAME);
  }

  @Test
  void an_outbound_queue_too_small_for_the_largest_append_is_refused() {
    TransportOptions smallQueue = TransportOptions.defaults().withOutboundQueue(8192, 64 * 1024);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> GroupLimits.check(SELF, group(appendBytes(1 << 20), 1024), smallQueue));
    assertTrue(refused.getMessage().contains("above the transport's outboundQueueBytes (65536), so it could never be queued"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("maxBytesPerAppend 1048576"), refused.getMessage());
  }

  @Test
  void the_runtime_refuses_such_a_group_before_it_creates_its_directory() throws Exception {
    try (RaftRuntime runtime = RaftRuntime.builder(SELF).build();
        NettyTransport transport = NettyTransport.builder(SELF).clusterId("limits")
            .listen(new InetSocketAddress("127.0.0.1", 0)).receiver(runtime).options(OPTIONS).start()) {
      Path data = dir.resolve("orders");
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> runtime.startGroup(GroupOptions.<String>builder(GROUP)
              .voters(List.of(SELF, NodeId.of("node-2"), NodeId.of("node-3")))
              .config(appendBytes(2L * FRAME))
              .maxCommandBytes(1024)
              .fileLog(data, FileLogStoreOptions.defaults())
              .stateMachine((index, command) -> "")
              .network(transport)
              .build()));
      assertTrue(refused.getMessage().contains("maxBytesPerAppend (" + 2L * FRAME + ")"), refused.getMessage());
      assertTrue(refused.getMessage().contains("maxFrameBytes (" + FRAME + ")"), refused.getMessage());
      assertFalse(Files.exists(data), "nothing was created for the refused group");
      assertTrue(runtime.statuses().isEmpty());
    }
  }

  private static int encodedBodyBytes(AppendEntries append) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      WireCodec.encodeMessage(GROUP, append, buffer);
      return buffer.readableBytes() - 4;
    } finally {
      buffer.release();
    }
  }
}
