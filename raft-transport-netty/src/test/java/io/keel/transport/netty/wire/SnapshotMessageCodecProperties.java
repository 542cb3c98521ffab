package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.message.Message;
import io.keel.raft.snapshot.SnapshotMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * InstallSnapshot and InstallSnapshotResponse through the codec: every valid one survives the round
 * trip, and every damaged or hostile body, however it is damaged, fails with a
 * {@link MalformedFrameException} and allocates no more than the frame holds. Any other exception
 * escapes and fails the property.
 */
class SnapshotMessageCodecProperties {

  @Property(tries = 300)
  void everyValidSnapshotMessageDecodesToItself(@ForAll("fullSnapshotFrames") Frame frame)
      throws MalformedFrameException {
    ByteBuf out = Unpooled.buffer();
    WireCodec.encode(frame, out);

    assertEquals(out.readableBytes() - WireFormat.LENGTH_FIELD_BYTES, out.readInt(), "length prefix");
    assertEquals(frame, WireCodec.decode(out));
    assertFalse(out.isReadable(), "decode consumes the body exactly");
  }

  @Property(tries = 200)
  void everyTruncationOfASnapshotMessageIsMalformed(@ForAll("mediumSnapshotFrames") Frame frame) {
    byte[] body = WireArbitraries.body(frame);
    for (int length = 0; length < body.length; length++) {
      ByteBuf truncated = Unpooled.wrappedBuffer(body, 0, length);
      MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(truncated),
          () -> "prefix of " + truncated.readableBytes() + " bytes of " + frame);
      WireCodecProperties.assertReasonGiven(e);
    }
  }

  /** As for every frame: one changed byte gives a frame that encodes back to the same bytes, or an error. */
  @Property(tries = 100)
  void everySingleByteMutationDecodesCanonicallyOrIsMalformed(@ForAll("smallSnapshotFrames") Frame frame) {
    byte[] body = WireArbitraries.body(frame);
    byte[] mutated = body.clone();
    for (int position = 0; position < body.length; position++) {
      for (int value = 0; value < 256; value++) {
        mutated[position] = (byte) value;
        WireCodecProperties.decodesCanonically(mutated);
      }
      mutated[position] = body[position];
    }
  }

  /** A valid body cut anywhere and followed by anything: decoded, or malformed, and nothing else. */
  @Property(tries = 1000)
  void anyBytesAfterAValidStartDecodeCanonicallyOrAreMalformed(
      @ForAll("smallSnapshotFrames") Frame frame, @ForAll int cutAt, @ForAll @Size(max = 120) byte[] tail) {
    byte[] body = WireArbitraries.body(frame);
    byte[] start = Arrays.copyOf(body, Math.floorMod(cutAt, body.length + 1));

    WireCodecProperties.decodesCanonically(FrameDecoderProperties.concat(start, tail));
  }

  @Property(tries = 200)
  void aDataLengthBeyondTheFrameIsRejectedWithoutAllocatingForIt(
      @ForAll @Size(max = 200) byte[] data, @ForAll @LongRange(min = 1, max = 0xFFFF_FFFFL) long excess) {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.data = data;
    hostile.size = Long.MAX_VALUE;
    hostile.dataLength = Math.min(0xFFFF_FFFFL, data.length + excess);
    ByteBuf body = hostile.build();

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares " + hostile.dataLength + " bytes of data but only " + data.length
        + " bytes remain", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 1 << 20, decoding.allocatedBytes() + " bytes allocated");
  }

  @Property(tries = 200)
  void aVoterCountBeyondTheLimitIsRejected(
      @ForAll @IntRange(min = SnapshotMeta.MAX_VOTERS + 1, max = 0xFFFF) int voterCount,
      @ForAll @Size(max = 3000) byte[] tail) {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.voterCount = voterCount;
    ByteBuf body = hostile.build().writeBytes(tail);

    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(body));
    assertEquals("InstallSnapshot declares " + voterCount + " voters, more than " + SnapshotMeta.MAX_VOTERS,
        e.getMessage());
  }

  /** A count within the limit but beyond what the frame can hold is refused before reading a voter. */
  @Property(tries = 200)
  void aVoterCountBeyondTheFrameIsRejected(
      @ForAll @IntRange(min = 1, max = SnapshotMeta.MAX_VOTERS) int voterCount, @ForAll @Size(max = 100) byte[] tail) {
    InstallSnapshotBody start = new InstallSnapshotBody().voters();
    start.voterCount = voterCount;
    start.data = tail;
    ByteBuf body = start.build();
    int afterCount = 8 + 4 + 8 + 4 + tail.length; // size, checksum, offset, dataLength, data
    Assume.that(voterCount > afterCount / WireFormat.MIN_VOTER_BYTES);

    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(body));
    assertEquals("InstallSnapshot declares " + voterCount + " voters but only " + afterCount + " bytes remain",
        e.getMessage());
  }

  @Provide
  Arbitrary<Frame> fullSnapshotFrames() {
    return snapshotFrames(WireArbitraries.FULL);
  }

  @Provide
  Arbitrary<Frame> mediumSnapshotFrames() {
    return snapshotFrames(WireArbitraries.MEDIUM);
  }

  @Provide
  Arbitrary<Frame> smallSnapshotFrames() {
    return snapshotFrames(WireArbitraries.SMALL);
  }

  private static Arbitrary<Frame> snapshotFrames(WireArbitraries.Sizes sizes) {
    Arbitrary<GroupId> groups = WireArbitraries.groupIds(sizes);
    Arbitrary<Message> messages = WireArbitraries.snapshotMessages(sizes);
    return Combinators.combine(groups, messages).as(Frame.MessageFrame::new);
  }
}
