package io.keel.transport.netty.wire;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A MESSAGE frame body carrying an InstallSnapshot, written field by field by hand so that a test can
 * put any value in any field, including ones no record would hold. It starts valid: a 10-byte chunk
 * at offset 0 of a 100-byte payload of the snapshot through 10@2, whose configuration is voters n1,
 * n2 and n3 ({@value #DEFAULT_CONFIGURATION_BYTES} bytes).
 */
final class InstallSnapshotBody {

  /** The bytes of the default configuration: version, count, then per voter role, id and no address. */
  static final int DEFAULT_CONFIGURATION_BYTES = 1 + 2 + 3 * (1 + 1 + 2 + 1);
  /** The bytes after the configuration: size, checksum, offset and dataLength, then the data. */
  static final int FIELDS_AFTER_CONFIGURATION_BYTES = 8 + 4 + 8 + 4;

  long term = 3;
  String from = "n1";
  int metaVersion = WireFormat.SNAPSHOT_META_VERSION;
  long lastIndex = 10;
  long lastTerm = 2;
  /** The configuration, as the bytes written. */
  byte[] configuration = ConfigurationCodec.encode(
      Configuration.ofVoters(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"))));
  /** The configuration length written; by default that of {@link #configuration}. */
  Long configurationLength;
  long size = 100;
  int checksum = 0x1234_5678;
  long offset = 0;
  byte[] data = new byte[10];
  /** The data length written; by default that of {@link #data}. */
  Long dataLength;

  InstallSnapshotBody configuration(Configuration value) {
    configuration = ConfigurationCodec.encode(value);
    return this;
  }

  /** The whole body: version, frame type, group "g1", message type, then the fields. */
  ByteBuf build() {
    ByteBuf out = Unpooled.buffer().writeByte(WireFormat.VERSION).writeByte(WireFormat.FRAME_MESSAGE);
    writeId(out, "g1").writeByte(WireFormat.MESSAGE_INSTALL_SNAPSHOT).writeLong(term);
    writeId(out, from).writeByte(metaVersion).writeLong(lastIndex).writeLong(lastTerm);
    out.writeInt((int) (configurationLength == null ? configuration.length : configurationLength));
    out.writeBytes(configuration);
    out.writeLong(size).writeInt(checksum).writeLong(offset);
    out.writeInt((int) (dataLength == null ? data.length : dataLength));
    return out.writeBytes(data);
  }

  private static ByteBuf writeId(ByteBuf out, String value) {
    out.writeByte(value.length());
    out.writeCharSequence(value, StandardCharsets.US_ASCII);
    return out;
  }
}
