package io.keel.transport.netty;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.runtime.GroupOptions;
import io.keel.transport.netty.wire.FrameSizes;

/**
 * Whether a group's settings fit the transport's: the largest AppendEntries the group's node may
 * send must fit one frame ({@code maxFrameBytes}) and the peer's outbound queue
 * ({@code outboundQueueBytes}); otherwise every such message would be dropped, and each dropped
 * command would cost an election without ever being replicated.
 *
 * <p>A leader fills an AppendEntries with entries while their {@link LogEntry#sizeBytes()} stay
 * within {@code maxBytesPerAppend}, but always sends at least one entry, whatever its size; a
 * command is at most {@code maxCommandBytes}. The wire costs come from {@link FrameSizes}, which
 * measures the codec.
 */
final class GroupLimits {

  private GroupLimits() {}

  /**
   * Refuses {@code group} if its largest AppendEntries from {@code self} could not be sent with
   * {@code options}.
   *
   * @throws IllegalArgumentException naming the group's setting and the transport's that contradict
   */
  static void check(NodeId self, GroupOptions<?> group, TransportOptions options) {
    RaftConfig config = group.config();
    long framing = FrameSizes.emptyAppendEntriesBodyBytes(group.group(), self);
    long oneCommandEntry = FrameSizes.ENTRY_OVERHEAD_BYTES + (long) group.maxCommandBytes();
    long fullBatchEntries = largestBatchEntryBytes(config);
    long oneCommand = framing + oneCommandEntry;
    long fullBatch = framing + fullBatchEntries;
    String prefix = "group " + group.group() + " on " + self + ": ";
    if (oneCommand > options.maxFrameBytes()) {
      throw new IllegalArgumentException(prefix + "an AppendEntries carrying one command of maxCommandBytes ("
          + group.maxCommandBytes() + ") takes " + oneCommand + " bytes, above the transport's maxFrameBytes ("
          + options.maxFrameBytes() + "); lower maxCommandBytes to at most "
          + (options.maxFrameBytes() - framing - FrameSizes.ENTRY_OVERHEAD_BYTES) + " or raise maxFrameBytes");
    }
    if (fullBatch > options.maxFrameBytes()) {
      throw new IllegalArgumentException(prefix + "an AppendEntries filled to maxBytesPerAppend ("
          + config.maxBytesPerAppend() + ") takes up to " + fullBatch + " bytes, above the transport's maxFrameBytes ("
          + options.maxFrameBytes() + "); lower maxBytesPerAppend to at most "
          + (options.maxFrameBytes() - framing) + " or raise maxFrameBytes");
    }
    long queued = PeerLink.estimatedBytes(Math.max(oneCommandEntry, fullBatchEntries));
    if (queued > options.outboundQueueBytes()) {
      throw new IllegalArgumentException(prefix + "the largest AppendEntries (maxCommandBytes "
          + group.maxCommandBytes() + ", maxBytesPerAppend " + config.maxBytesPerAppend() + ") counts for "
          + queued + " bytes, above the transport's outboundQueueBytes (" + options.outboundQueueBytes()
          + "), so it could never be queued; raise outboundQueueBytes or lower those settings");
    }
    checkSnapshotChunks(self, group, options, prefix);
  }

  /**
   * An InstallSnapshot chunk must fit a frame, and a window of them the peer's outbound queue;
   * otherwise a transfer could never complete, or would lose chunks on an idle link. The chunk's
   * meta is taken at its largest: the group's members change while it runs, and a snapshot records
   * those of its time. A configuration entry alone in an AppendEntries takes less than such a
   * chunk, so passing this check means it fits the frame and the queue too.
   */
  private static void checkSnapshotChunks(NodeId self, GroupOptions<?> group, TransportOptions options,
      String prefix) {
    RaftConfig config = group.config();
    long chunkFrame = FrameSizes.installSnapshotBodyBytes(group.group(), self, config.snapshotChunkBytes());
    long framing = chunkFrame - config.snapshotChunkBytes();
    if (chunkFrame > options.maxFrameBytes()) {
      String remedy = options.maxFrameBytes() > framing
          ? "lower snapshotChunkBytes to at most " + (options.maxFrameBytes() - framing) + " or raise maxFrameBytes"
          : "raise maxFrameBytes to at least " + (framing + config.snapshotChunkBytes());
      throw new IllegalArgumentException(prefix + "an InstallSnapshot chunk of snapshotChunkBytes ("
          + config.snapshotChunkBytes() + ") with the largest configuration a snapshot may record takes " + chunkFrame
          + " bytes, above the transport's maxFrameBytes (" + options.maxFrameBytes() + "); " + remedy);
    }
    long window = (long) config.maxInflightSnapshotChunks()
        * PeerLink.estimatedBytes(chunkFrame);
    if (window > options.outboundQueueBytes()) {
      throw new IllegalArgumentException(prefix + "a window of maxInflightSnapshotChunks ("
          + config.maxInflightSnapshotChunks() + ") chunks of snapshotChunkBytes (" + config.snapshotChunkBytes()
          + ") counts for " + window + " bytes, above the transport's outboundQueueBytes ("
          + options.outboundQueueBytes() + "); lower those settings or raise outboundQueueBytes");
    }
  }

  /**
   * The most wire bytes the entries of one AppendEntries of several entries can take: their
   * {@link LogEntry#sizeBytes()} total at most {@code maxBytesPerAppend}, and each costs
   * {@link FrameSizes#ENTRY_OVERHEAD_BYTES} on the wire where it counts for
   * {@link LogEntry#OVERHEAD_BYTES}.
   */
  private static long largestBatchEntryBytes(RaftConfig config) {
    long budget = config.maxBytesPerAppend();
    long entries = Math.min(config.maxEntriesPerAppend(), budget / LogEntry.OVERHEAD_BYTES);
    long extraPerEntry = FrameSizes.ENTRY_OVERHEAD_BYTES - LogEntry.OVERHEAD_BYTES;
    return budget + Math.max(0, entries * extraPerEntry);
  }
}
