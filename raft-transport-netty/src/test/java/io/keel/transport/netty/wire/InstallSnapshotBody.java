package io.keel.transport.netty.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A MESSAGE frame body carrying an InstallSnapshot, written field by field by hand so that a test can
 * put any value in any field, including ones no record would hold. It starts valid: a 10-byte chunk
 * at offset 0 of a 100-byte payload of the snapshot through 10@2, voters n1, n2 and n3.
 */
final class InstallSnapshotBody {

  long term = 3;
  String from = "n1";
  int metaVersion = WireFormat.SNAPSHOT_META_VERSION;
  long lastIndex = 10;
  long lastTerm = 2;
  List<String> voters = List.of("n1", "n2", "n3");
  /** The voter count written; by default the number of {@link #voters}. */
  Integer voterCount;
  long size = 100;
  int checksum = 0x1234_5678;
  long offset = 0;
  byte[] data = new byte[10];
  /** The data length written; by default that of {@link #data}. */
  Long dataLength;

  InstallSnapshotBody voters(String... ids) {
    voters = List.of(ids);
    return this;
  }

  /** The whole body: version, frame type, group "g1", message type, then the fields. */
  ByteBuf build() {
    ByteBuf out = Unpooled.buffer().writeByte(WireFormat.VERSION).writeByte(WireFormat.FRAME_MESSAGE);
    writeId(out, "g1").writeByte(WireFormat.MESSAGE_INSTALL_SNAPSHOT).writeLong(term);
    writeId(out, from).writeByte(metaVersion).writeLong(lastIndex).writeLong(lastTerm);
    out.writeShort(voterCount == null ? voters.size() : voterCount);
    voters.forEach(voter -> writeId(out, voter));
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
