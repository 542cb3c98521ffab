package io.keel.transport.netty.wire;

import static io.keel.transport.netty.wire.WireFields.readBoolean;
import static io.keel.transport.netty.wire.WireFields.readLong;
import static io.keel.transport.netty.wire.WireFields.readNodeId;
import static io.keel.transport.netty.wire.WireFields.readUnsignedByte;
import static io.keel.transport.netty.wire.WireFields.readUnsignedInt;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;

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
    byte[] configuration = ConfigurationCodec.encode(meta.configuration()); // at most MAX_ENCODED_BYTES
    out.writeByte(WireFormat.SNAPSHOT_META_VERSION);
    out.writeLong(meta.lastIndex());
    out.writeLong(meta.lastTerm());
    out.writeInt(configuration.length);
    out.writeBytes(configuration);
  }

  static void encodeInstallSnapshotResponse(InstallSnapshotResponse message, ByteBuf out) {
    MessageCodec.encodeHeader(WireFormat.MESSAGE_INSTALL_SNAPSHOT_RESPONSE, message, out);
    out.writeLong(message.snapshotIndex());
    out.writeLong(message.position());
    out.writeBoolean(message.done());
  }

  /**
   * The bytes the configuration of {@code meta} takes in an InstallSnapshot, after its length
   * field. With the chunk's data, this is all of the message whose length varies besides its
   * sender's id.
   */
  static int configurationBytes(SnapshotMeta meta) {
    return ConfigurationCodec.encode(meta.configuration()).length;
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
    Configuration configuration = decodeConfiguration(in);
    try {
      return new SnapshotMeta(lastIndex, lastTerm, configuration);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(INSTALL_SNAPSHOT + " meta", e);
    }
  }

  private static Configuration decodeConfiguration(ByteBuf in) throws MalformedFrameException {
    long length = readUnsignedInt(in, INSTALL_SNAPSHOT, "configurationLength");
    // The length is the peer's claim: bound it by the limit and by the bytes present before
    // allocating by it.
    if (length > WireFormat.MAX_CONFIGURATION_BYTES) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " declares a configuration of " + length
          + " bytes, more than " + WireFormat.MAX_CONFIGURATION_BYTES);
    }
    if (length > in.readableBytes()) {
      throw new MalformedFrameException(INSTALL_SNAPSHOT + " declares a configuration of " + length
          + " bytes but only " + in.readableBytes() + " bytes remain");
    }
    byte[] bytes = new byte[(int) length];
    in.readBytes(bytes);
    try {
      return ConfigurationCodec.decode(bytes);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(INSTALL_SNAPSHOT + " configuration", e);
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
