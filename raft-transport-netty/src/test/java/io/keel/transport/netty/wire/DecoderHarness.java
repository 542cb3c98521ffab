package io.keel.transport.netty.wire;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link FrameDecoder} in an {@link EmbeddedChannel}, with a handler behind it that records frames
 * and events in the order they come out, and an allocator that remembers every buffer it hands out.
 */
final class DecoderHarness {

  /** When the harness raises the decoder's limit, standing in for the handshake. */
  enum Raise { NEVER, BEFORE_INPUT, ON_FIRST_FRAME }

  final FrameDecoder decoder;
  final EmbeddedChannel channel;
  final RecordingAllocator allocator = new RecordingAllocator();
  /** Frames and user events, in the order they reached the handler after the decoder. */
  final List<Object> received = new ArrayList<>();

  DecoderHarness(int preHandshakeLimit, int raisedLimit, Raise raise) {
    decoder = new FrameDecoder(preHandshakeLimit);
    if (raise == Raise.BEFORE_INPUT) {
      decoder.raiseLimit(raisedLimit);
    }
    channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (raise == Raise.ON_FIRST_FRAME && frames().isEmpty()) {
          decoder.raiseLimit(raisedLimit);
        }
        received.add(msg);
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        received.add(event);
      }
    });
    channel.config().setAllocator(allocator);
  }

  /**
   * Delivers {@code bytes} in pieces cut at {@code cuts} (any ints; taken modulo the length), each
   * piece a buffer that cannot grow, so that any buffering goes through {@link #allocator}. Stops
   * when the channel closes; returns how many pieces were delivered.
   */
  int feed(byte[] bytes, List<Integer> cuts) {
    List<Integer> ends = cuts.stream()
        .map(cut -> Math.floorMod(cut, bytes.length + 1))
        .filter(cut -> cut > 0 && cut < bytes.length)
        .distinct().sorted().collect(Collectors.toCollection(ArrayList::new));
    ends.add(bytes.length);
    int start = 0;
    int delivered = 0;
    for (int end : ends) {
      if (!channel.isOpen()) {
        break;
      }
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, start, end - start));
      delivered++;
      start = end;
    }
    return delivered;
  }

  /** Delivers {@code bytes} whole, if the channel is open; returns whether it was. */
  boolean feed(byte[] bytes) {
    return feed(bytes, List.of()) == 1;
  }

  List<Frame> frames() {
    return received.stream().filter(Frame.class::isInstance).map(Frame.class::cast).collect(Collectors.toList());
  }

  List<ProtocolViolation> violations() {
    return received.stream().filter(ProtocolViolation.class::isInstance).map(ProtocolViolation.class::cast)
        .collect(Collectors.toList());
  }

  /** Hands out unpooled heap buffers and keeps them, to see how large any of them got. */
  static final class RecordingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> handedOut = new ArrayList<>();

    RecordingAllocator() {
      super(false);
    }

    /** The largest capacity of any buffer handed out that is still alive, 0 if none. */
    int largestLiveCapacity() {
      return handedOut.stream().filter(b -> b.refCnt() > 0).mapToInt(ByteBuf::capacity).max().orElse(0);
    }

    int buffersHandedOut() {
      return handedOut.size();
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      handedOut.add(buffer);
      return buffer;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }
}
