package io.keel.transport.netty.wire;

import static io.keel.transport.netty.wire.WireFields.readBoolean;
import static io.keel.transport.netty.wire.WireFields.readLong;
import static io.keel.transport.netty.wire.WireFields.readNodeId;
import static io.keel.transport.netty.wire.WireFields.readUnsignedByte;
import static io.keel.transport.netty.wire.WireFields.readUnsignedInt;
import static io.keel.transport.netty.wire.WireFields.readUnsignedShort;
import static io.keel.transport.netty.wire.WireFields.writeShortString;

import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The two snapshot messages in the {@link WireFormat}, InstallSnapshot with its versioned meta and
 * InstallSnapshotResponse: the fields after the message type byte. Kept apart from
 * {@link MessageCodec}, which dispatches to it, along message lines.
 */
final class SnapshotMessageCodec {

  private static final byte[] EMPTY_DATA = new byte[0];
  private static final String INSTALL_SNAPSHOT = "InstallSnapshot";
  private static final String INSTALL_SNAPSHOT_RESPONSE = "InstallSnapshotResponse";

  private SnapshotMessageCodec() {}

  static void encodeInstallSnapshot(InstallSnapshot message, ByteBuf out) {
    MessageCodec.encodeHeader(WireFormat.MESSAGE_INSTALL_SNAPSHOT, message, out);
    encodeMeta(message.meta(), out);
    out.writeLong(message.size());
    out.writeInt((int) message.checksum()); // the record holds it to 0 .. 2^32 - 1
    out.writeLong(message.offset());
    out.writeInt(message.data().length);
    out.writeBytes(message.data());
  }

  private static void encodeMeta(SnapshotMeta meta, ByteBuf out) {
    out.writeByte(WireFormat.SNAPSHOT_META_VERSION);
    out.writeLong(meta.lastIndex());
    out.writeLong(meta.lastTerm());
    out.writeShort(meta.voters().size()); // the record holds it to 1 .. MAX_VOTERS
    for (NodeId voter : meta.voters()) {
      writeShortString(out, voter.value());
    }
  }

  static void encodeInstallSnapshotResponse(InstallSnapshotResponse message, ByteBuf out) {
    MessageCodec.encodeHeader(WireFormat.MESSAGE_INSTALL_SNAPSHOT_RESPONSE, message, out);
    out.writeLong(message.snapshotIndex());
    out.writeLong(message.position());
    out.writeBoolean(message.done());
  }

  /**
   * The bytes the voters of {@code meta} take in an InstallSnapshot: a short string each. With the
   * chunk's data, this is all of the message whose length varies besides its sender's id.
   */
  static long voterBytes(SnapshotMeta meta) {
    long bytes = 0;
    for (NodeId voter : meta.voters()) {
      bytes += 1 + voter.value().length();
    }
    return bytes;
  }

  static InstallSnapshot decodeInstallSnapshot(ByteBuf in) throws MalformedFrameException {
    long term = readLong(in, INSTALL_SNAPSHOT, "term");
    NodeId from = readNodeId(in, INSTALL_SNAPSHOT, "from");
    SnapshotMeta meta = decodeMeta(in);
    long size = readLong(in, INSTALL_SNAPSHOT, "size");
    long checksum = readUnsignedInt(in, INSTALL_SNAPSHOT, "checksum");
    long offset = readLong(in, INSTALL_SNAPSHOT, "offset");
    long dataLength = readUnsignedInt(in, INSTALL_SNAPSHOT, "dataLength");
    // The length is the peer's claim: bound it by the bytes present before allocating by it.
    if (dataLength > in.readableBytes()) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " declares " + dataLength
          + " bytes of data but only " + in.readableBytes() + " bytes remain");
    }
    // The message keeps the array, so the chunk gets its own, sized exactly.
    byte[] data = dataLength == 0 ? EMPTY_DATA : new byte[(int) dataLength];
    in.readBytes(data);
    try {
      return new InstallSnapshot(term, from, meta, size, checksum, offset, data);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(INSTALL_SNAPSHOT, e);
    }
  }

  private static SnapshotMeta decodeMeta(ByteBuf in) throws MalformedFrameException {
    int version = readUnsignedByte(in, INSTALL_SNAPSHOT, "metaVersion");
    if (version != WireFormat.SNAPSHOT_META_VERSION) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " meta has version " + version + "; only "
          + WireFormat.SNAPSHOT_META_VERSION + " is known");
    }
    long lastIndex = readLong(in, INSTALL_SNAPSHOT, "lastIndex");
    long lastTerm = readLong(in, INSTALL_SNAPSHOT, "lastTerm");
    int voterCount = readUnsignedShort(in, INSTALL_SNAPSHOT, "voterCount");
    // The count is the peer's claim too: bound it by the limit and by the bytes present.
    if (voterCount > WireFormat.MAX_SNAPSHOT_VOTERS) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " declares " + voterCount + " voters, more than "
          + WireFormat.MAX_SNAPSHOT_VOTERS);
    }
    if (voterCount > in.readableBytes() / WireFormat.MIN_VOTER_BYTES) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " declares " + voterCount + " voters but only "
          + in.readableBytes() + " bytes remain");
    }
    NodeId[] voters = new NodeId[voterCount];
    for (int i = 0; i < voters.length; i++) {
      voters[i] = readNodeId(in, INSTALL_SNAPSHOT, "voter");
    }
    try {
      return new SnapshotMeta(lastIndex, lastTerm, Arrays.asList(voters));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(INSTALL_SNAPSHOT + " meta", e);
    }
  }

  static InstallSnapshotResponse decodeInstallSnapshotResponse(ByteBuf in) throws MalformedFrameException {
    long term = readLong(in, INSTALL_SNAPSHOT_RESPONSE, "term");
    NodeId from = readNodeId(in, INSTALL_SNAPSHOT_RESPONSE, "from");
    long snapshotIndex = readLong(in, INSTALL_SNAPSHOT_RESPONSE, "snapshotIndex");
    long position = readLong(in, INSTALL_SNAPSHOT_RESPONSE, "position");
    boolean done = readBoolean(in, INSTALL_SNAPSHOT_RESPONSE, "done");
    try {
      return new InstallSnapshotResponse(term, from, snapshotIndex, position, done);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(INSTALL_SNAPSHOT_RESPONSE, e);
    }
  }
}
