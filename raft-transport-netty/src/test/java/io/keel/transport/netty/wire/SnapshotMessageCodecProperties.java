package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.GroupId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.Message;
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
  void aConfigurationLengthBeyondTheLimitIsRejectedWithoutAllocatingForIt(
      @ForAll @LongRange(min = WireFormat.MAX_CONFIGURATION_BYTES + 1L, max = 0xFFFF_FFFFL) long length,
      @ForAll @Size(max = 3000) byte[] tail) {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.configurationLength = length;
    ByteBuf body = hostile.build().writeBytes(tail);
    warmUp(body);

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares a configuration of " + length + " bytes, more than "
        + WireFormat.MAX_CONFIGURATION_BYTES, e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
  }

  /** A length within the limit but beyond what the frame holds is refused before it sizes anything. */
  @Property(tries = 200)
  void aConfigurationLengthBeyondTheFrameIsRejectedWithoutAllocatingForIt(
      @ForAll @IntRange(min = 1, max = WireFormat.MAX_CONFIGURATION_BYTES) int length,
      @ForAll @Size(max = 100) byte[] data) {
    InstallSnapshotBody hostile = new InstallSnapshotBody();
    hostile.configurationLength = (long) length;
    hostile.data = data;
    ByteBuf body = hostile.build();
    int left = InstallSnapshotBody.DEFAULT_CONFIGURATION_BYTES + InstallSnapshotBody.FIELDS_AFTER_CONFIGURATION_BYTES
        + data.length;
    Assume.that(length > left);
    warmUp(body);

    Allocations.Measurement decoding = Allocations.measure(() -> WireCodec.decode(body));

    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, decoding.thrown());
    assertEquals("InstallSnapshot declares a configuration of " + length + " bytes but only " + left
        + " bytes remain", e.getMessage());
    assertTrue(decoding.allocatedBytes() < 16 * 1024, decoding.allocatedBytes() + " bytes allocated");
  }

  /** A configuration cut anywhere, its length saying so, is refused by the configuration's codec. */
  @Property(tries = 200)
  void aConfigurationCutShortIsMalformed(
      @ForAll("configurations") Configuration configuration, @ForAll int cutAt) {
    byte[] whole = ConfigurationCodec.encode(configuration);
    InstallSnapshotBody cut = new InstallSnapshotBody();
    cut.configuration = Arrays.copyOf(whole, Math.floorMod(cutAt, whole.length));

    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(cut.build()));
    assertTrue(e.getMessage().startsWith("invalid InstallSnapshot configuration: "), e.getMessage());
  }

  /** A configuration followed by any bytes, its length counting them, is refused: nothing may follow it. */
  @Property(tries = 200)
  void aConfigurationWithBytesAfterItIsMalformed(
      @ForAll("configurations") Configuration configuration, @ForAll @Size(min = 1, max = 50) byte[] extra) {
    InstallSnapshotBody padded = new InstallSnapshotBody();
    padded.configuration = FrameDecoderProperties.concat(ConfigurationCodec.encode(configuration), extra);

    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(padded.build()));
    assertEquals("invalid InstallSnapshot configuration: " + extra.length + " bytes after the last member",
        e.getMessage());
  }

  /** Any configuration with a voter, however joint, with learners and addresses, is carried whole. */
  @Property(tries = 300)
  void everyConfigurationSurvivesTheMeta(@ForAll("configurations") Configuration configuration)
      throws MalformedFrameException {
    Frame frame = WireCodec.decode(new InstallSnapshotBody().configuration(configuration).build());

    assertEquals(configuration, ((InstallSnapshot) ((Frame.MessageFrame) frame).message()).meta().configuration());
  }

  /** Decodes {@code body} once and rewinds it: a JVM's first string concatenation allocates its machinery. */
  private static void warmUp(ByteBuf body) {
    body.markReaderIndex();
    assertThrows(MalformedFrameException.class, () -> WireCodec.decode(body));
    body.resetReaderIndex();
  }

  @Provide
  Arbitrary<Configuration> configurations() {
    return WireArbitraries.configurations(WireArbitraries.MEDIUM, WireArbitraries.MEDIUM.maxMembers());
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
