package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keel.raft.GroupId;
import io.keel.raft.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The codec on its own: valid frames survive the round trip, and damaged bodies fail cleanly. */
class WireCodecProperties {

  @Property(tries = 500)
  void everyValidFrameDecodesToItself(@ForAll("fullFrames") Frame frame) throws MalformedFrameException {
    ByteBuf out = Unpooled.buffer();
    WireCodec.encode(frame, out);

    assertEquals(out.readableBytes() - WireFormat.LENGTH_FIELD_BYTES, out.readInt(), "length prefix");
    assertEquals(frame, WireCodec.decode(out));
    assertFalse(out.isReadable(), "decode consumes the body exactly");
  }

  @Property(tries = 300)
  void encodeMessageWritesWhatEncodingAMessageFrameWrites(
      @ForAll("groups") GroupId group, @ForAll("messages") Message message) {
    ByteBuf direct = Unpooled.buffer();
    WireCodec.encodeMessage(group, message, direct);

    assertArrayEquals(WireArbitraries.encoded(new Frame.MessageFrame(group, message)), ByteBufUtil.getBytes(direct));
  }

  @Property(tries = 300)
  void encodingAppendsToWhatTheBufferAlreadyHolds(@ForAll("smallFrames") Frame frame) {
    ByteBuf out = Unpooled.buffer();
    out.writeBytes(new byte[] {9, 9, 9});
    WireCodec.encode(frame, out);

    byte[] written = ByteBufUtil.getBytes(out);
    assertArrayEquals(new byte[] {9, 9, 9}, Arrays.copyOf(written, 3));
    assertArrayEquals(WireArbitraries.encoded(frame), Arrays.copyOfRange(written, 3, written.length));
  }

  /** A proper prefix of a valid body can never be valid: decoding reads the same fields and runs out. */
  @Property(tries = 200)
  void everyTruncationOfAValidBodyIsMalformed(@ForAll("smallFrames") Frame frame) {
    byte[] body = WireArbitraries.body(frame);
    for (int length = 0; length < body.length; length++) {
      ByteBuf truncated = Unpooled.wrappedBuffer(body, 0, length);
      MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> WireCodec.decode(truncated),
          () -> "prefix of " + truncated.readableBytes() + " bytes of " + frame);
      assertReasonGiven(e);
    }
  }

  /**
   * Any single changed byte either gives another valid frame, which must then encode back to the
   * very bytes decoded (the format has one encoding per frame), or a MalformedFrameException. Any
   * other exception escapes and fails the property.
   */
  @Property(tries = 100)
  void everySingleByteMutationDecodesCanonicallyOrIsMalformed(@ForAll("smallFrames") Frame frame) {
    byte[] body = WireArbitraries.body(frame);
    byte[] mutated = body.clone();
    int decoded = 0;
    for (int position = 0; position < body.length; position++) {
      for (int value = 0; value < 256; value++) {
        if ((byte) value == body[position]) {
          continue;
        }
        mutated[position] = (byte) value;
        decoded += decodesCanonically(mutated) ? 1 : 0;
      }
      mutated[position] = body[position];
    }
    // Sanity on the other side: the untouched body decodes, and not every mutation does.
    assertTrue(decodesCanonically(body));
    assertTrue(decoded < body.length * 255, "some mutation must be malformed");
  }

  /** Whether {@code body} decodes; if it does, it must encode back to itself, if not, say why. */
  static boolean decodesCanonically(byte[] body) {
    Frame frame;
    try {
      frame = WireCodec.decode(Unpooled.wrappedBuffer(body));
    } catch (MalformedFrameException e) {
      assertReasonGiven(e);
      return false;
    }
    assertArrayEquals(body, WireArbitraries.body(frame), () -> "re-encoding " + frame);
    return true;
  }

  static void assertReasonGiven(MalformedFrameException e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      fail("a malformed frame must say what is wrong", e);
    }
  }

  @Provide
  Arbitrary<Frame> fullFrames() {
    return WireArbitraries.frames(WireArbitraries.FULL);
  }

  @Provide
  Arbitrary<Frame> smallFrames() {
    return WireArbitraries.frames(WireArbitraries.SMALL);
  }

  @Provide
  Arbitrary<GroupId> groups() {
    return WireArbitraries.groupIds(WireArbitraries.FULL);
  }

  @Provide
  Arbitrary<Message> messages() {
    return WireArbitraries.messages(WireArbitraries.FULL);
  }
}
