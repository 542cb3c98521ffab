package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each way an InstallSnapshot or InstallSnapshotResponse body can be wrong, hand-built, with the
 * exact reason the codec gives: always a {@link MalformedFrameException}, never the record's own
 * exception.
 */
class SnapshotMessageRejectionTest {

  private static String reason(ByteBuf body) {
    return assertThrows(MalformedFrameException.class, () -> WireCodec.decode(body)).getMessage();
  }

  private static String reason(InstallSnapshotBody body) {
    return reason(body.build());
  }

  /** An InstallSnapshotResponse body with the given fields, {@code done} as a raw byte. */
  private static ByteBuf response(long term, long snapshotIndex, long position, int done) {
    ByteBuf out = Unpooled.buffer().writeByte(WireFormat.VERSION).writeByte(WireFormat.FRAME_MESSAGE);
    out.writeByte(2).writeCharSequence("g1", StandardCharsets.US_ASCII);
    out.writeByte(WireFormat.MESSAGE_INSTALL_SNAPSHOT_RESPONSE).writeLong(term);
    out.writeByte(2).writeCharSequence("n2", StandardCharsets.US_ASCII);
    return out.writeLong(snapshotIndex).writeLong(position).writeByte(done);
  }

  @Test
  void theHandBuiltBodyIsWhatTheEncoderWrites() throws Exception {
    InstallSnapshot expected = new InstallSnapshot(3, NodeId.of("n1"),
        new SnapshotMeta(10, 2, List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"))),
        100, 0x1234_5678, 0, new byte[10]);
    Frame frame = WireCodec.decode(new InstallSnapshotBody().build());
    assertEquals(new Frame.MessageFrame(GroupId.of("g1"), expected), frame);
  }

  @Test
  void aDataLengthBeyondTheFrameIsRejectedBeforeAnythingIsSizedByIt() throws Exception {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.dataLength = 0xFFFF_FFFFL;
    ByteBuf body = hostile.build();
    body.markReaderIndex();
    reason(body); // warm up: the first string concatenation of a JVM allocates its machinery
    body.resetReaderIndex();

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares 4294967295 bytes of data but only 10 bytes remain", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
    InstallSnapshotBody oneTooMany = new InstallSnapshotBody();
    oneTooMany.dataLength = 11L;
    assertEquals("InstallSnapshot declares 11 bytes of data but only 10 bytes remain", reason(oneTooMany));
  }

  @Test
  void voterCountsBeyondTheLimitOrTheFrameAreRejected() {
    InstallSnapshotBody overLimit = new InstallSnapshotBody();
    overLimit.voterCount = SnapshotMeta.MAX_VOTERS + 1;
    assertEquals("InstallSnapshot declares 1025 voters, more than 1024", reason(overLimit));
    overLimit.voterCount = 0xFFFF;
    assertEquals("InstallSnapshot declares 65535 voters, more than 1024", reason(overLimit));
    // 1024 is within the limit, but the 43 bytes left (three voters, the fields after them and the
    // data) cannot hold that many.
    InstallSnapshotBody overFrame = new InstallSnapshotBody();
    overFrame.voterCount = SnapshotMeta.MAX_VOTERS;
    assertEquals("InstallSnapshot declares 1024 voters but only 43 bytes remain", reason(overFrame));
    InstallSnapshotBody none = new InstallSnapshotBody().voters();
    assertEquals("invalid InstallSnapshot meta: a snapshot records 1 to 1024 voters, got 0", reason(none));
  }

  @Test
  void theMostVotersASnapshotMayRecordAreAccepted() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SnapshotMeta.MAX_VOTERS; i++) {
      ids.add("voter-" + i + "-" + "x".repeat(50));
    }
    InstallSnapshotBody most = new InstallSnapshotBody().voters(ids.toArray(new String[0]));
    Frame frame = WireCodec.decode(most.build());
    InstallSnapshot message = (InstallSnapshot) ((Frame.MessageFrame) frame).message();
    assertEquals(SnapshotMeta.MAX_VOTERS, message.meta().voters().size());
    assertEquals("voter-1023-" + "x".repeat(50), message.meta().voters().get(1023).value());
  }

  @Test
  void aMetaNoSnapshotCanHaveIsMalformed() {
    InstallSnapshotBody indexZero = new InstallSnapshotBody();
    indexZero.lastIndex = 0;
    indexZero.lastTerm = 0;
    assertEquals("invalid InstallSnapshot: a snapshot sent to a follower stands for at least one entry",
        reason(indexZero));
    InstallSnapshotBody termZero = new InstallSnapshotBody();
    termZero.lastTerm = 0;
    assertTrue(reason(termZero).startsWith("invalid InstallSnapshot meta: a snapshot's last term is 0 exactly when"));
    InstallSnapshotBody termAtIndexZero = new InstallSnapshotBody();
    termAtIndexZero.lastIndex = 0;
    assertTrue(reason(termAtIndexZero).startsWith("invalid InstallSnapshot meta: a snapshot's last term is 0"));
    InstallSnapshotBody negative = new InstallSnapshotBody();
    negative.lastIndex = Long.MIN_VALUE;
    assertEquals("invalid InstallSnapshot meta: a snapshot's last index and term must not be negative, got "
        + Long.MIN_VALUE + "@2", reason(negative));
    assertEquals("invalid InstallSnapshot meta: voter n2 appears twice in [n1, n2, n3, n2]",
        reason(new InstallSnapshotBody().voters("n1", "n2", "n3", "n2")));
    assertEquals("InstallSnapshot voter holds byte 0x20 at position 1; only letters, digits, '.', '_' and '-' "
        + "are allowed", reason(new InstallSnapshotBody().voters("n1", "n 2")));
  }

  @Test
  void onlyMetaVersionOneIsKnown() {
    for (int version : new int[] {0, 2, 255}) {
      InstallSnapshotBody body = new InstallSnapshotBody();
      body.metaVersion = version;
      assertEquals("InstallSnapshot meta has version " + version + "; only 1 is known", reason(body));
    }
  }

  @Test
  void aChunkOutsideThePayloadIsMalformed() {
    InstallSnapshotBody pastEnd = new InstallSnapshotBody();
    pastEnd.offset = 91;
    assertEquals("invalid InstallSnapshot: a chunk of 10 bytes at offset 91 does not lie within a payload of "
        + "100 bytes", reason(pastEnd));
    InstallSnapshotBody negativeOffset = new InstallSnapshotBody();
    negativeOffset.offset = -1;
    assertTrue(reason(negativeOffset).startsWith("invalid InstallSnapshot: a chunk of 10 bytes at offset -1"));
    InstallSnapshotBody biggerThanPayload = new InstallSnapshotBody();
    biggerThanPayload.size = 9;
    assertTrue(reason(biggerThanPayload).endsWith("does not lie within a payload of 9 bytes"));
    // Overflow: offset + length past Long.MAX_VALUE must not wrap round into range.
    InstallSnapshotBody wrapping = new InstallSnapshotBody();
    wrapping.size = Long.MAX_VALUE;
    wrapping.offset = Long.MAX_VALUE - 5;
    assertTrue(reason(wrapping).startsWith("invalid InstallSnapshot: a chunk of 10 bytes at offset "));
    InstallSnapshotBody negativeSize = new InstallSnapshotBody();
    negativeSize.size = -100;
    assertEquals("invalid InstallSnapshot: a snapshot's size must not be negative, got -100", reason(negativeSize));
  }

  /**
   * The checksum is a u32 on the wire, so no frame can carry one outside a CRC-32C's range; what
   * the codec must get right is to read the top half of that range as positive, where a signed read
   * would hand the record a negative checksum that it refuses.
   */
  @Test
  void checksumsWithTheTopBitSetAreReadUnsigned() throws Exception {
    for (int raw : new int[] {0x8000_0000, 0xFFFF_FFFF, 0x7FFF_FFFF, 0}) {
      InstallSnapshotBody body = new InstallSnapshotBody();
      body.checksum = raw;
      Frame frame = WireCodec.decode(body.build());
      InstallSnapshot message = (InstallSnapshot) ((Frame.MessageFrame) frame).message();
      assertEquals(Integer.toUnsignedLong(raw), message.checksum());
    }
  }

  @Test
  void aNegativeTermIsMalformed() {
    InstallSnapshotBody body = new InstallSnapshotBody();
    body.term = -1;
    assertEquals("invalid InstallSnapshot: term must be >= 0, got -1", reason(body));
  }

  @Test
  void responseValuesTheRecordRefusesAreMalformed() throws Exception {
    assertEquals("invalid InstallSnapshotResponse: snapshot index must be >= 1 and position >= 0, got 0 and 0",
        reason(response(3, 0, 0, 0)));
    assertEquals("invalid InstallSnapshotResponse: snapshot index must be >= 1 and position >= 0, got 5 and -1",
        reason(response(3, 5, -1, 1)));
    assertEquals("invalid InstallSnapshotResponse: term must be >= 0, got -3", reason(response(-3, 5, 0, 1)));
    assertEquals("InstallSnapshotResponse done must be 0 or 1, got 2", reason(response(3, 5, 0, 2)));
    ByteBuf withoutDone = response(3, 5, 0, 0);
    withoutDone.writerIndex(withoutDone.writerIndex() - 1);
    assertEquals("InstallSnapshotResponse done needs 1 byte but only 0 remain", reason(withoutDone));
    Frame valid = WireCodec.decode(response(3, 5, 40, 1));
    assertEquals(new InstallSnapshotResponse(3, NodeId.of("n2"), 5, 40, true), ((Frame.MessageFrame) valid).message());
  }

  @Test
  void theEncoderRefusesNothingTheRecordsAccept() {
    // A chunk that ends exactly at the payload's end, in a payload of Long.MAX_VALUE bytes.
    InstallSnapshot last = new InstallSnapshot(1, NodeId.of("n1"), new SnapshotMeta(1, 1, List.of(NodeId.of("n1"))),
        Long.MAX_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE - 3, new byte[] {1, 2, 3});
    ByteBuf out = Unpooled.buffer();
    WireCodec.encodeMessage(GroupId.of("g1"), last, out);
    out.skipBytes(WireFormat.LENGTH_FIELD_BYTES);
    assertEquals(new Frame.MessageFrame(GroupId.of("g1"), last), assertDoesNotThrowDecode(out));
  }

  private static Frame assertDoesNotThrowDecode(ByteBuf body) {
    try {
      return WireCodec.decode(body);
    } catch (MalformedFrameException e) {
      throw new AssertionError("a valid body was refused: " + e.getMessage(), e);
    }
  }
}
