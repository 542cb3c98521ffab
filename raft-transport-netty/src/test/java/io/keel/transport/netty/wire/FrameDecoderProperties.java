package io.keel.transport.netty.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.transport.netty.wire.DecoderHarness.Raise;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The decoder in a channel, fed valid and hostile streams cut at arbitrary points: it passes on
 * exactly the frames a straightforward reading of the format finds, and on the first violation it
 * fires one {@link ProtocolViolation} and closes, without buffering anything the peer merely
 * announced.
 */
class FrameDecoderProperties {

  private static final int PRE_HANDSHAKE_LIMIT = 256;
  private static final int RAISED_LIMIT = 1 << 20;

  @Property(tries = 300)
  void framesCutAtAnyPointsArriveWholeAndInOrder(
      @ForAll("handshakeThenFrames") List<Frame> frames, @ForAll("cuts") List<Integer> cuts) {
    // The greeting fits the pre-handshake limit; what follows may not, and is accepted only because
    // the limit is raised on the first frame, even when everything arrives in one piece.
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, RAISED_LIMIT, Raise.ON_FIRST_FRAME);

    harness.feed(WireArbitraries.encoded(frames), cuts);

    assertEquals(frames, harness.received);
    assertTrue(harness.channel.isOpen());
    assertEquals(Optional.empty(), harness.decoder.violation());
  }

  @Property(tries = 2000)
  void hostileStreamsGiveTheFramesBeforeTheFirstViolationThenOneEventAndClose(
      @ForAll("hostileStreams") byte[] stream, @ForAll("cuts") List<Integer> cuts, @ForAll Raise raise) {
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, RAISED_LIMIT, raise);
    Reading expected = Reading.of(stream, raise);

    harness.feed(stream, cuts); // an exception reaching the channel's end would be rethrown here

    assertEquals(expected.frames(), harness.frames());
    if (expected.violation() == null) {
      assertEquals(List.of(), harness.violations());
      assertTrue(harness.channel.isOpen());
    } else {
      List<ProtocolViolation> violations = harness.violations();
      assertEquals(1, violations.size(), () -> "violations: " + violations);
      String reason = violations.get(0).reason();
      assertTrue(reason.startsWith(expected.violation()), () -> reason + " expected " + expected.violation());
      assertSame(violations.get(0), harness.received.get(harness.received.size() - 1), "nothing after the event");
      assertEquals(Optional.of(reason), harness.decoder.violation());
      assertFalse(harness.channel.isOpen());
    }
    assertCloseAddsNothing(harness);
  }

  @Property(tries = 300)
  void aTruncatedFrameIsAwaitedQuietly(
      @ForAll("mediumFrames") Frame frame, @ForAll int cutAt, @ForAll("cuts") List<Integer> cuts) {
    byte[] whole = WireArbitraries.encoded(frame);
    byte[] truncated = Arrays.copyOf(whole, Math.floorMod(cutAt, whole.length));
    Assume.that(truncated.length > 0);
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, RAISED_LIMIT, Raise.BEFORE_INPUT);

    harness.feed(truncated, cuts);

    assertEquals(List.of(), harness.received);
    assertTrue(harness.channel.isOpen());
    assertCloseAddsNothing(harness);
  }

  /** However large the announced frame, nothing is set aside for it before the close. */
  @Property(tries = 200)
  void aHugeLengthClosesAtOnce(
      @ForAll @LongRange(min = 1 << 24, max = 0xFFFF_FFFFL) long length,
      @ForAll boolean afterHandshake,
      @ForAll @Size(10) byte[] rest) {
    DecoderHarness harness = new DecoderHarness(
        PRE_HANDSHAKE_LIMIT, 1 << 23, afterHandshake ? Raise.BEFORE_INPUT : Raise.NEVER);

    Allocations.Measurement feeding = Allocations.measure(() -> harness.feed(lengthField(length)));

    assertEquals(null, feeding.thrown());
    assertEquals(1, harness.violations().size());
    assertTrue(harness.violations().get(0).reason().startsWith("frame length " + length + " is outside 2.."));
    assertFalse(harness.channel.isOpen());
    assertFalse(harness.feed(rest), "the channel is closed before the rest is read");
    assertEquals(0, harness.allocator.buffersHandedOut());
    assertTrue(feeding.allocatedBytes() < 1 << 20, feeding.allocatedBytes() + " bytes allocated");
  }

  /** A long frame within the limit is buffered only as its bytes arrive. */
  @Property(tries = 100)
  void anAnnouncedLengthIsNeverBufferedAhead(
      @ForAll @IntRange(min = 1 << 24, max = 1 << 26) int length, @ForAll @Size(10) byte[] start) {
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, 1 << 26, Raise.BEFORE_INPUT);

    Allocations.Measurement feeding = Allocations.measure(() -> {
      harness.feed(lengthField(length));
      for (byte b : start) {
        harness.feed(new byte[] {b});
      }
    });

    assertEquals(null, feeding.thrown());
    assertEquals(List.of(), harness.received);
    assertTrue(harness.channel.isOpen());
    // 14 bytes arrived; the cumulation may round up, but nowhere near the announced length.
    assertTrue(harness.allocator.largestLiveCapacity() <= 1024, "capacity " + harness.allocator.largestLiveCapacity());
    assertTrue(feeding.allocatedBytes() < 1 << 20, feeding.allocatedBytes() + " bytes allocated");
  }

  @Property(tries = 200)
  void aWrongVersionEndsTheConnection(
      @ForAll("smallFrames") Frame before, @ForAll("smallFrames") Frame bad, @ForAll("smallFrames") Frame after,
      @ForAll @IntRange(min = 0, max = 255) int version, @ForAll("cuts") List<Integer> cuts) {
    Assume.that(version != WireFormat.VERSION);
    byte[] damaged = WireArbitraries.encoded(bad);
    damaged[WireFormat.LENGTH_FIELD_BYTES] = (byte) version;

    assertEndsAfter(before, damaged, after, cuts, "unsupported wire version " + version);
  }

  @Property(tries = 200)
  void anUnknownFrameTypeEndsTheConnection(
      @ForAll("smallFrames") Frame before, @ForAll("smallFrames") Frame bad, @ForAll("smallFrames") Frame after,
      @ForAll("unknownFrameTypes") int frameType, @ForAll("cuts") List<Integer> cuts) {
    byte[] damaged = WireArbitraries.encoded(bad);
    damaged[WireFormat.LENGTH_FIELD_BYTES + 1] = (byte) frameType;

    assertEndsAfter(before, damaged, after, cuts, "unknown frame type " + frameType);
  }

  @Property(tries = 200)
  void anUnknownMessageTypeEndsTheConnection(
      @ForAll("smallFrames") Frame before, @ForAll("smallMessageFrames") Frame bad, @ForAll("smallFrames") Frame after,
      @ForAll("unknownMessageTypes") int messageType, @ForAll("cuts") List<Integer> cuts) {
    byte[] damaged = WireArbitraries.encoded(bad);
    int groupLength = ((Frame.MessageFrame) bad).group().value().length();
    damaged[WireFormat.LENGTH_FIELD_BYTES + 3 + groupLength] = (byte) messageType;

    assertEndsAfter(before, damaged, after, cuts, "unknown message type " + messageType);
  }

  @Property(tries = 100)
  void anEntryCountBeyondTheFrameEndsTheConnection(
      @ForAll @LongRange(min = 1 << 20, max = 0xFFFF_FFFFL) long entryCount, @ForAll @Size(max = 100) byte[] tail) {
    byte[] frame = appendEntriesDeclaring(entryCount, tail);
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, RAISED_LIMIT, Raise.BEFORE_INPUT);

    Allocations.Measurement feeding = Allocations.measure(() -> harness.feed(frame));

    assertEquals(null, feeding.thrown());
    assertEquals(List.of(new ProtocolViolation(
            "AppendEntries declares " + entryCount + " entries but only " + tail.length + " bytes remain")),
        harness.received);
    assertFalse(harness.channel.isOpen());
    assertTrue(feeding.allocatedBytes() < 1 << 20, feeding.allocatedBytes() + " bytes allocated");
  }

  private static void assertEndsAfter(Frame before, byte[] damaged, Frame after, List<Integer> cuts, String reason) {
    DecoderHarness harness = new DecoderHarness(PRE_HANDSHAKE_LIMIT, RAISED_LIMIT, Raise.BEFORE_INPUT);

    harness.feed(concat(WireArbitraries.encoded(before), damaged, WireArbitraries.encoded(after)), cuts);

    assertEquals(List.of(before, new ProtocolViolation(reason)), harness.received);
    assertFalse(harness.channel.isOpen());
  }

  /** A peer that closes mid-frame has not broken the format: the close adds no frame and no event. */
  private static void assertCloseAddsNothing(DecoderHarness harness) {
    List<Object> before = new ArrayList<>(harness.received);
    harness.channel.finishAndReleaseAll();
    assertEquals(before, harness.received);
  }

  private static byte[] lengthField(long length) {
    return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
  }

  /** A whole frame: an AppendEntries header whose entry count is {@code entryCount}, then {@code tail}. */
  private static byte[] appendEntriesDeclaring(long entryCount, byte[] tail) {
    ByteBuf body = Unpooled.buffer().writeByte(WireFormat.VERSION).writeByte(WireFormat.FRAME_MESSAGE)
        .writeByte(1).writeByte('g').writeByte(WireFormat.MESSAGE_APPEND_ENTRIES)
        .writeLong(3).writeByte(1).writeByte('n').writeLong(0).writeLong(0).writeLong(0)
        .writeInt((int) entryCount).writeBytes(tail);
    return concat(lengthField(body.readableBytes()), ByteBufUtil.getBytes(body));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /**
   * What a plain reading of the format finds in a stream: the whole frames before the first
   * violation, and the violation's reason (for a bad length, how the reason starts), or null.
   */
  record Reading(List<Frame> frames, String violation) {

    static Reading of(byte[] stream, Raise raise) {
      List<Frame> frames = new ArrayList<>();
      long limit = raise == Raise.BEFORE_INPUT ? RAISED_LIMIT : PRE_HANDSHAKE_LIMIT;
      int position = 0;
      while (stream.length - position >= 4) {
        long length = Unpooled.wrappedBuffer(stream).getUnsignedInt(position);
        if (length < 2 || length > limit) {
          return new Reading(frames, "frame length " + length + " ");
        }
        if (stream.length - position - 4 < length) {
          break;
        }
        try {
          frames.add(WireCodec.decode(Unpooled.wrappedBuffer(stream, position + 4, (int) length)));
        } catch (MalformedFrameException e) {
          return new Reading(frames, e.getMessage());
        }
        position += 4 + (int) length;
        if (raise == Raise.ON_FIRST_FRAME) {
          limit = RAISED_LIMIT;
        }
      }
      return new Reading(frames, null);
    }
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Frame>> handshakeThenFrames() {
    return Combinators.combine(
            WireArbitraries.hellos(WireArbitraries.FULL),
            WireArbitraries.frames(WireArbitraries.MEDIUM).list().ofMaxSize(6))
        .as((hello, rest) -> {
          List<Frame> frames = new ArrayList<>(List.of(hello));
          frames.addAll(rest);
          return frames;
        });
  }

  /**
   * Streams made of valid frames, frames with one byte changed, plausible lengths followed by
   * random bytes, and plain random bytes, in any order.
   */
  @Provide
  Arbitrary<byte[]> hostileStreams() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> valid = WireArbitraries.frames(WireArbitraries.SMALL).map(WireArbitraries::encoded);
    Arbitrary<byte[]> mutated = Combinators.combine(valid, Arbitraries.integers().greaterOrEqual(0), Arbitraries.bytes())
        .as((frame, position, value) -> {
          // The body only: damaged lengths come from the plausible and random pieces.
          byte[] bytes = frame.clone();
          bytes[WireFormat.LENGTH_FIELD_BYTES + position % (bytes.length - WireFormat.LENGTH_FIELD_BYTES)] = value;
          return bytes;
        });
    Arbitrary<byte[]> plausible = Combinators.combine(Arbitraries.integers().between(0, 300), random)
        .as((length, bytes) -> concat(lengthField(length), bytes));
    Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
        Tuple.of(4, valid), Tuple.of(2, mutated), Tuple.of(1, plausible), Tuple.of(1, random));
    Arbitrary<byte[]> pieces = piece.list().ofMaxSize(8).withSizeDistribution(RandomDistribution.uniform())
        .map(list -> concat(list.toArray(new byte[0][])));
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    return Arbitraries.frequencyOf(Tuple.of(4, pieces), Tuple.of(1, noise));
  }

  @Provide
  Arbitrary<Frame> smallFrames() {
    return WireArbitraries.frames(WireArbitraries.SMALL);
  }

  @Provide
  Arbitrary<Frame> smallMessageFrames() {
    return WireArbitraries.messageFrames(WireArbitraries.SMALL);
  }

  @Provide
  Arbitrary<Frame> mediumFrames() {
    return WireArbitraries.frames(WireArbitraries.MEDIUM);
  }

  @Provide
  Arbitrary<Integer> unknownFrameTypes() {
    return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(WireFormat.LAST_FRAME_TYPE + 1, 255));
  }

  @Provide
  Arbitrary<Integer> unknownMessageTypes() {
    return Arbitraries.oneOf(
        Arbitraries.just(0), Arbitraries.integers().between(WireFormat.LAST_MESSAGE_TYPE + 1, 255));
  }
}
