package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
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
  void aConfigurationLengthBeyondTheLimitIsRejectedBeforeAnythingIsSizedByIt() throws Exception {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.configurationLength = 0xFFFF_FFFFL;
    ByteBuf body = hostile.build().writeBytes(new byte[WireFormat.MAX_CONFIGURATION_BYTES + 100]);
    body.markReaderIndex();
    reason(body); // warm up: the first string concatenation of a JVM allocates its machinery
    body.resetReaderIndex();

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares a configuration of 4294967295 bytes, more than 329731", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
    // The limit is checked before the frame: this frame holds enough bytes for one more than the limit.
    InstallSnapshotBody oneTooMany = new InstallSnapshotBody();
    oneTooMany.configurationLength = WireFormat.MAX_CONFIGURATION_BYTES + 1L;
    oneTooMany.data = new byte[WireFormat.MAX_CONFIGURATION_BYTES + 1];
    assertEquals("InstallSnapshot declares a configuration of 329732 bytes, more than 329731", reason(oneTooMany));
    assertEquals(ConfigurationCodec.MAX_ENCODED_BYTES, WireFormat.MAX_CONFIGURATION_BYTES);
  }

  @Test
  void aConfigurationLengthBeyondTheFrameIsRejectedBeforeAnythingIsSizedByIt() throws Exception {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.configurationLength = (long) WireFormat.MAX_CONFIGURATION_BYTES; // allowed, but not in this frame
    ByteBuf body = hostile.build();
    body.markReaderIndex();
    reason(body);
    body.resetReaderIndex();

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    // Left after the length: the 18 bytes of the configuration, 24 of fields and 10 of data.
    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares a configuration of 329731 bytes but only 52 bytes remain", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
    InstallSnapshotBody oneTooMany = new InstallSnapshotBody();
    oneTooMany.configurationLength = 53L;
    assertEquals("InstallSnapshot declares a configuration of 53 bytes but only 52 bytes remain", reason(oneTooMany));
    // A length that takes in the fields after the configuration leaves the codec bytes it refuses.
    InstallSnapshotBody swallowing = new InstallSnapshotBody();
    swallowing.configurationLength = 52L;
    assertEquals("invalid InstallSnapshot configuration: 34 bytes after the last member", reason(swallowing));
  }

  @Test
  void aConfigurationTheCodecRefusesIsMalformed() {
    InstallSnapshotBody version = new InstallSnapshotBody();
    version.configuration[0] = 9;
    assertEquals("invalid InstallSnapshot configuration: configuration version 9, expected 1", reason(version));
    InstallSnapshotBody cut = new InstallSnapshotBody();
    cut.configuration = Arrays.copyOf(cut.configuration, cut.configuration.length - 1);
    assertEquals("invalid InstallSnapshot configuration: a configuration cut short at byte 17 of 17", reason(cut));
    InstallSnapshotBody trailing = new InstallSnapshotBody();
    trailing.configuration = Arrays.copyOf(trailing.configuration, trailing.configuration.length + 1);
    assertEquals("invalid InstallSnapshot configuration: 1 bytes after the last member", reason(trailing));
    InstallSnapshotBody twice = new InstallSnapshotBody();
    twice.configuration = new byte[] {1, 0, 2, 1, 2, 'n', '1', 0, 1, 2, 'n', '1', 0};
    assertEquals("invalid InstallSnapshot configuration: member n1 after n1: members come once each, in id order",
        reason(twice));
    InstallSnapshotBody voterAndLearner = new InstallSnapshotBody();
    voterAndLearner.configuration = new byte[] {1, 0, 1, 5, 2, 'n', '1', 0};
    assertEquals("invalid InstallSnapshot configuration: member n1 has impossible roles 5", reason(voterAndLearner));
    InstallSnapshotBody badId = new InstallSnapshotBody();
    badId.configuration = new byte[] {1, 0, 1, 1, 3, 'n', ' ', '2', 0};
    assertTrue(reason(badId).startsWith("invalid InstallSnapshot configuration: node id may hold only letters"),
        reason(badId));
  }

  @Test
  void aConfigurationWithoutAVoterIsMalformed() {
    InstallSnapshotBody none = new InstallSnapshotBody().configuration(Configuration.NONE);
    assertEquals("invalid InstallSnapshot meta: a snapshot's configuration has at least one voter, got voters []",
        reason(none));
    Configuration learnersOnly = new Configuration(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(List.of(
        NodeId.of("n2"))), new TreeMap<>());
    assertEquals("invalid InstallSnapshot meta: a snapshot's configuration has at least one voter, got voters [], "
        + "learners [n2]", reason(new InstallSnapshotBody().configuration(learnersOnly)));
  }

  @Test
  void theLargestConfigurationIsAcceptedAndTakesExactlyTheLimit() throws Exception {
    TreeSet<NodeId> voters = new TreeSet<>();
    TreeSet<NodeId> learners = new TreeSet<>();
    TreeMap<NodeId, String> addresses = new TreeMap<>();
    for (int i = 0; i < Configuration.MAX_MEMBERS; i++) {
      String number = Integer.toString(i);
      NodeId member = NodeId.of(number + "x".repeat(NodeId.MAX_LENGTH - number.length()));
      (i % 3 == 0 ? learners : voters).add(member);
      addresses.put(member, "h".repeat(Configuration.MAX_ADDRESS_BYTES - 5) + ":7000");
    }
    Configuration largest = new Configuration(voters, new TreeSet<>(), learners, addresses);
    InstallSnapshotBody most = new InstallSnapshotBody().configuration(largest);
    assertEquals(WireFormat.MAX_CONFIGURATION_BYTES, most.configuration.length);

    Frame frame = WireCodec.decode(most.build());

    InstallSnapshot message = (InstallSnapshot) ((Frame.MessageFrame) frame).message();
    assertEquals(largest, message.meta().configuration());
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
  }

  /** Version 1, which wire version 2 sent, listed voters only; version 2 carries a configuration. */
  @Test
  void onlyMetaVersionTwoIsKnown() {
    for (int version : new int[] {0, 1, 3, 255}) {
      InstallSnapshotBody body = new InstallSnapshotBody();
      body.metaVersion = version;
      assertEquals("InstallSnapshot meta has version " + version + "; only 2 is known", reason(body));
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
