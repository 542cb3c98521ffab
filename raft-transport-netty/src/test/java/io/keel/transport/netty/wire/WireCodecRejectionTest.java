package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.TimeoutNow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each way a body can be wrong, hand-built, with the exact reason the codec gives. */
class WireCodecRejectionTest {

  private static ByteBuf frame(int version, int frameType) {
    return Unpooled.buffer().writeByte(version).writeByte(frameType);
  }

  private static ByteBuf message(int messageType) {
    return id(frame(WireFormat.VERSION, WireFormat.FRAME_MESSAGE), "g1").writeByte(messageType);
  }

  private static ByteBuf id(ByteBuf out, String value) {
    out.writeByte(value.length());
    out.writeCharSequence(value, StandardCharsets.US_ASCII);
    return out;
  }

  /** An AppendEntries body up to and including its entry count. */
  private static ByteBuf appendEntries(long term, long prevLogIndex, long prevLogTerm, long entryCount) {
    ByteBuf body = id(message(WireFormat.MESSAGE_APPEND_ENTRIES).writeLong(term), "n1");
    return body.writeLong(prevLogIndex).writeLong(prevLogTerm).writeLong(0).writeInt((int) entryCount);
  }

  private static String reason(ByteBuf body) {
    return assertThrows(MalformedFrameException.class, () -> WireCodec.decode(body)).getMessage();
  }

  @Test
  void anEmptyBodyLacksTheVersion() {
    assertEquals("frame version needs 1 byte but only 0 remain", reason(Unpooled.buffer()));
  }

  @Test
  void onlyVersionFourIsSpoken() {
    assertEquals(4, WireFormat.VERSION);
    assertEquals("unsupported wire version 7", reason(frame(7, WireFormat.FRAME_MESSAGE)));
    assertEquals("unsupported wire version 0", reason(frame(0, WireFormat.FRAME_HELLO)));
    // Version 2 had no membership changes, version 3 no reads: their peers are refused at their HELLO.
    assertEquals("unsupported wire version 2", reason(frame(2, WireFormat.FRAME_HELLO)));
    assertEquals("unsupported wire version 3", reason(frame(3, WireFormat.FRAME_HELLO)));
  }

  @Test
  void unknownFrameAndMessageTypesAreMalformed() {
    assertEquals("unknown frame type 9", reason(frame(WireFormat.VERSION, 9)));
    assertEquals("unknown frame type 0", reason(frame(WireFormat.VERSION, 0)));
    assertEquals("unknown frame type 6", reason(frame(WireFormat.VERSION, 6)));
    assertEquals("trailing 1 bytes after PING", reason(frame(WireFormat.VERSION, WireFormat.FRAME_PING).writeByte(0)));
    int unknown = WireFormat.LAST_MESSAGE_TYPE + 1;
    assertEquals("unknown message type " + unknown, reason(message(unknown)));
    assertEquals("unknown message type 0", reason(message(0)));
  }

  @Test
  void trailingBytesAreMalformed() {
    ByteBuf body = Unpooled.buffer();
    WireCodec.encodeMessage(GroupId.of("g1"), new PreVote(3, NodeId.of("n1"), 5, 2), body);
    body.skipBytes(WireFormat.LENGTH_FIELD_BYTES).writeBytes(new byte[3]);
    assertEquals("trailing 3 bytes after PreVote", reason(body));
  }

  @Test
  void anEntryCountBeyondTheBytesPresentIsRejectedBeforeAnythingIsSizedByIt() throws Exception {
    ByteBuf body = appendEntries(3, 0, 0, Integer.MAX_VALUE).writeBytes(new byte[12]);
    body.markReaderIndex();
    reason(body); // warm up: the first string concatenation of a JVM allocates its machinery
    body.resetReaderIndex();

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("AppendEntries declares 2147483647 entries but only 12 bytes remain", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
    assertEquals("AppendEntries declares 4294967295 entries but only 0 bytes remain",
        reason(appendEntries(3, 0, 0, 0xFFFFFFFFL)));
  }

  @Test
  void aCommandLengthBeyondTheBytesPresentIsRejected() {
    ByteBuf body = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_COMMAND).writeInt(-1);
    body.writeBytes(new byte[20]);
    assertEquals("AppendEntries entry 0 declares a 4294967295-byte command but only 20 bytes remain", reason(body));
  }

  @Test
  void entriesMustHaveAKnownTypeAndNoOpsNoCommand() {
    ByteBuf unknown = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(3).writeInt(0);
    assertEquals("AppendEntries entry 0 has unknown type 3", reason(unknown));
    ByteBuf noOp = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_NO_OP).writeInt(3);
    noOp.writeBytes(new byte[3]);
    assertEquals("AppendEntries entry 0 is a no-op with a 3-byte command", reason(noOp));
  }

  @Test
  void entryValuesTheRecordsRefuseAreMalformed() {
    ByteBuf termZero = appendEntries(3, 0, 0, 1).writeLong(0).writeByte(WireFormat.ENTRY_NO_OP).writeInt(0);
    assertEquals("invalid AppendEntries entry 0: log entry term must be >= 1, got 0", reason(termZero));
    ByteBuf aheadOfLeader = appendEntries(3, 0, 0, 1).writeLong(9).writeByte(WireFormat.ENTRY_NO_OP).writeInt(0);
    assertTrue(reason(aheadOfLeader).startsWith("invalid AppendEntries: entry 1 has term 9"));
    ByteBuf indexOverflow = appendEntries(3, Long.MAX_VALUE, 2, 1).writeLong(2).writeByte(WireFormat.ENTRY_NO_OP).writeInt(0);
    assertEquals("invalid AppendEntries entry 0: log entry index must be >= 1, got " + Long.MIN_VALUE,
        reason(indexOverflow));
  }

  @Test
  void messageValuesTheRecordsRefuseAreMalformed() {
    ByteBuf negativeTerm = id(message(WireFormat.MESSAGE_PRE_VOTE).writeLong(-1), "n1").writeLong(0).writeLong(0);
    assertEquals("invalid PreVote: term must be >= 0, got -1", reason(negativeTerm));
    ByteBuf termAtIndexZero = id(message(WireFormat.MESSAGE_REQUEST_VOTE).writeLong(4), "n1").writeLong(0).writeLong(5)
        .writeByte(0);
    assertTrue(reason(termAtIndexZero).startsWith("invalid RequestVote: only index 0 has term 0"));
    ByteBuf hintOnSuccess = id(message(WireFormat.MESSAGE_APPEND_ENTRIES_RESPONSE).writeLong(4), "n1")
        .writeByte(1).writeLong(7).writeLong(2).writeLong(3);
    assertEquals("invalid AppendEntriesResponse: a successful response carries no conflict hint",
        reason(hintOnSuccess));
  }

  @Test
  void aRequestVoteEndsWithItsLeadershipTransferFlag() throws Exception {
    ByteBuf transfer = id(message(WireFormat.MESSAGE_REQUEST_VOTE).writeLong(4), "n1").writeLong(7).writeLong(3);
    transfer.writeByte(1);
    assertEquals(new Frame.MessageFrame(GroupId.of("g1"), new RequestVote(4, NodeId.of("n1"), 7, 3, true)),
        WireCodec.decode(transfer));
    ByteBuf timedOut = id(message(WireFormat.MESSAGE_REQUEST_VOTE).writeLong(4), "n1").writeLong(7).writeLong(3);
    timedOut.writeByte(0);
    assertEquals(new RequestVote(4, NodeId.of("n1"), 7, 3),
        ((Frame.MessageFrame) WireCodec.decode(timedOut)).message());
    ByteBuf two = id(message(WireFormat.MESSAGE_REQUEST_VOTE).writeLong(4), "n1").writeLong(7).writeLong(3);
    assertEquals("RequestVote leadershipTransfer must be 0 or 1, got 2", reason(two.writeByte(2)));
    // A RequestVote as wire version 2 wrote it, with no flag.
    ByteBuf withoutFlag = id(message(WireFormat.MESSAGE_REQUEST_VOTE).writeLong(4), "n1").writeLong(7).writeLong(3);
    assertEquals("RequestVote leadershipTransfer needs 1 byte but only 0 remain", reason(withoutFlag));
  }

  @Test
  void aTimeoutNowIsATermAndASender() throws Exception {
    ByteBuf valid = id(message(WireFormat.MESSAGE_TIMEOUT_NOW).writeLong(5), "n1");
    assertEquals(new Frame.MessageFrame(GroupId.of("g1"), new TimeoutNow(5, NodeId.of("n1"))),
        WireCodec.decode(valid));
    assertEquals("invalid TimeoutNow: term must be >= 0, got -1",
        reason(id(message(WireFormat.MESSAGE_TIMEOUT_NOW).writeLong(-1), "n1")));
    assertEquals("trailing 1 bytes after TimeoutNow",
        reason(id(message(WireFormat.MESSAGE_TIMEOUT_NOW).writeLong(5), "n1").writeByte(0)));
    assertEquals("TimeoutNow from needs 2 bytes but only 1 remain",
        reason(message(WireFormat.MESSAGE_TIMEOUT_NOW).writeLong(5).writeByte(2).writeByte('n')));
  }

  @Test
  void aConfigurationEntrySurvivesTheRoundTrip() throws Exception {
    NodeId n1 = NodeId.of("n1");
    NodeId n2 = NodeId.of("n2");
    NodeId n3 = NodeId.of("n3");
    NodeId n4 = NodeId.of("n4");
    TreeMap<NodeId, String> addresses = new TreeMap<>();
    addresses.put(n3, "[::1]:7003");
    addresses.put(n4, "node-4.example:7004");
    // Joint: n1 and n3 vote in the configuration entered, n1 and n2 in the one left; n4 learns.
    Configuration joint = new Configuration(new TreeSet<>(List.of(n1, n3)), new TreeSet<>(List.of(n1, n2)),
        new TreeSet<>(List.of(n4)), addresses);
    AppendEntries append = new AppendEntries(3, n1, 4, 2,
        List.of(LogEntry.configuration(5, 3, joint), LogEntry.command(6, 3, new byte[] {7})), 4);
    ByteBuf out = Unpooled.buffer();
    WireCodec.encodeMessage(GroupId.of("g1"), append, out);
    int firstEntryType = WireFormat.LENGTH_FIELD_BYTES + 2 + 3 + 1 + 8 + 3 + 3 * 8 + 4 + 8;
    assertEquals(WireFormat.ENTRY_CONFIGURATION, out.getUnsignedByte(firstEntryType));
    assertEquals(2, WireFormat.ENTRY_CONFIGURATION);
    out.skipBytes(WireFormat.LENGTH_FIELD_BYTES);

    AppendEntries decoded = (AppendEntries) ((Frame.MessageFrame) WireCodec.decode(out)).message();

    assertEquals(append, decoded);
    assertEquals(joint, decoded.entries().get(0).configuration());
  }

  @Test
  void aConfigurationEntryThatDoesNotDecodeIsMalformed() {
    ByteBuf version = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_CONFIGURATION).writeInt(3);
    assertEquals("invalid AppendEntries entry 0: configuration version 9, expected 1",
        reason(version.writeBytes(new byte[] {9, 0, 0})));
    ByteBuf empty = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_CONFIGURATION).writeInt(0);
    assertEquals("invalid AppendEntries entry 0: a configuration cut short at byte 0 of 0", reason(empty));
    byte[] none = ConfigurationCodec.encode(Configuration.NONE);
    ByteBuf noVoter = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_CONFIGURATION);
    noVoter.writeInt(none.length).writeBytes(none);
    assertEquals("invalid AppendEntries entry 0: a configuration entry names no voter", reason(noVoter));
    byte[] valid = ConfigurationCodec.encode(Configuration.ofVoters(List.of(NodeId.of("n1"))));
    ByteBuf padded = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_CONFIGURATION);
    padded.writeInt(valid.length + 1).writeBytes(valid).writeByte(0);
    assertEquals("invalid AppendEntries entry 0: 1 bytes after the last member", reason(padded));
    int tooLong = WireFormat.MAX_CONFIGURATION_BYTES + 1;
    ByteBuf oversized = appendEntries(3, 0, 0, 1).writeLong(1).writeByte(WireFormat.ENTRY_CONFIGURATION);
    oversized.writeInt(tooLong).writeBytes(new byte[tooLong]);
    assertEquals("AppendEntries entry 0 is a configuration of 329732 bytes, more than 329731", reason(oversized));
  }

  @Test
  void booleansAreZeroOrOne() {
    ByteBuf body = id(message(WireFormat.MESSAGE_PRE_VOTE_RESPONSE).writeLong(4), "n1").writeByte(2);
    assertEquals("PreVoteResponse granted must be 0 or 1, got 2", reason(body));
  }

  @Test
  void shortStringsAreCheckedByteByByte() {
    assertEquals("MESSAGE groupId has length 0, must be 1 to 64",
        reason(frame(WireFormat.VERSION, WireFormat.FRAME_MESSAGE).writeByte(0)));
    assertEquals("MESSAGE groupId has length 65, must be 1 to 64",
        reason(frame(WireFormat.VERSION, WireFormat.FRAME_MESSAGE).writeByte(65).writeBytes(new byte[65])));
    ByteBuf space = id(message(WireFormat.MESSAGE_PRE_VOTE).writeLong(1), "n 1").writeLong(0).writeLong(0);
    assertEquals("PreVote from holds byte 0x20 at position 1; only letters, digits, '.', '_' and '-' are allowed",
        reason(space));
    ByteBuf truncated = frame(WireFormat.VERSION, WireFormat.FRAME_HELLO_ACK).writeByte(10).writeBytes(new byte[4]);
    assertEquals("HELLO_ACK clusterId needs 10 bytes but only 4 remain", reason(truncated));
  }

  @Test
  void aHelloMustCarryTheMagic() {
    ByteBuf body = frame(WireFormat.VERSION, WireFormat.FRAME_HELLO).writeInt(WireFormat.MAGIC + 1);
    assertEquals("HELLO has magic 0x4B45454D, expected 0x4B45454C", reason(body));
  }

  @Test
  void aRejectReasonMustBeShortWellFormedUtf8() {
    ByteBuf tooLong = frame(WireFormat.VERSION, WireFormat.FRAME_REJECT).writeShort(1025).writeBytes(new byte[1025]);
    assertEquals("REJECT reason declares 1025 bytes, more than 1024", reason(tooLong));
    // An overlong NUL, a byte UTF-8 never uses, an encoded surrogate, a sequence cut short.
    byte[][] notUtf8 = {
        {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2}};
    for (byte[] bytes : notUtf8) {
      ByteBuf body = frame(WireFormat.VERSION, WireFormat.FRAME_REJECT).writeShort(bytes.length).writeBytes(bytes);
      assertEquals("REJECT reason is not well-formed UTF-8", reason(body));
    }
  }

  @Test
  void frameRecordsRefuseWhatCannotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> new Frame.Hello("a b", NodeId.of("n1"), NodeId.of("n2")));
    assertThrows(IllegalArgumentException.class, () -> new Frame.HelloAck("", NodeId.of("n1")));
    assertThrows(NullPointerException.class, () -> new Frame.HelloAck("c", null));
    assertThrows(IllegalArgumentException.class, () -> new Frame.Reject("x".repeat(1025)));
    assertThrows(IllegalArgumentException.class, () -> new Frame.Reject("\u00e9".repeat(513)));
    assertThrows(IllegalArgumentException.class, () -> new Frame.Reject("lone \ud800 surrogate"));
    assertThrows(IllegalArgumentException.class, () -> new Frame.Reject("\udc00"));
    assertEquals(1024, new Frame.Reject("x".repeat(1024)).reason().length());
  }

  @Test
  void fittingKeepsWholeCodePointsWithinTheLimit() {
    assertEquals("x".repeat(1024), Frame.Reject.fitting("x".repeat(2000)).reason());
    // 341 three-byte chars take 1023 bytes; a four-byte code point no longer fits after them.
    String text = "\u20ac".repeat(341) + "\ud83d\ude00";
    assertEquals("\u20ac".repeat(341), Frame.Reject.fitting(text).reason());
    assertEquals("a?b", Frame.Reject.fitting("a\ud800b").reason());
  }
}
