package io.keel.bench.wire;

import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.MalformedFrameException;
import io.keel.transport.netty.wire.WireCodec;
import io.keel.transport.netty.wire.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Messages per second through the wire codec, with no network: encoding a MESSAGE frame into a
 * reused pooled direct buffer (what the transport's write path does), decoding a frame body (what
 * the frame decoder does after cutting off the length prefix), and both in a row.
 *
 * <p>{@code message} picks what is coded: {@code append64x100} is an AppendEntries of 64 entries of
 * 100-byte commands (7,284 bytes on the wire), {@code response} an AppendEntriesResponse (49
 * bytes). The buffers are allocated once per trial and cleared between operations, so the score
 * counts the codec's own work and allocation (for decoding: the message, its entries and their
 * command arrays), not the buffer allocator's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

  private static final GroupId GROUP = GroupId.of("bench");
  private static final NodeId LEADER = NodeId.of("n1");
  private static final NodeId FOLLOWER = NodeId.of("n2");

  @Param({"append64x100", "response"})
  public String message;

  private Message toEncode;
  /** The scratch buffer that encoding writes into; cleared before each operation. */
  private ByteBuf scratch;
  /** One whole frame, length prefix included, encoded once. */
  private ByteBuf encoded;
  /** A view of {@link #encoded}'s body, after the length prefix; rewound before each decode. */
  private ByteBuf body;

  @Setup(Level.Trial)
  public void prepare() throws MalformedFrameException {
    toEncode = switch (message) {
      case "append64x100" -> appendEntries(64, 100);
      case "response" -> AppendEntriesResponse.accepted(7, FOLLOWER, 1_000_064);
      default -> throw new IllegalArgumentException("unknown message " + message);
    };
    scratch = PooledByteBufAllocator.DEFAULT.directBuffer(16 * 1024);
    encoded = PooledByteBufAllocator.DEFAULT.directBuffer(16 * 1024);
    WireCodec.encodeMessage(GROUP, toEncode, encoded);
    int bodyLength = encoded.getInt(0);
    if (bodyLength != encoded.readableBytes() - WireFormat.LENGTH_FIELD_BYTES) {
      throw new IllegalStateException("length prefix " + bodyLength + " does not match the frame");
    }
    body = encoded.slice(WireFormat.LENGTH_FIELD_BYTES, bodyLength);
    Frame decoded = decodeBody();
    if (!(decoded instanceof Frame.MessageFrame frame) || !frame.message().equals(toEncode)) {
      throw new IllegalStateException("the codec does not round-trip " + toEncode + ": got " + decoded);
    }
  }

  @TearDown(Level.Trial)
  public void release() {
    scratch.release();
    encoded.release();
  }

  /** Encodes one frame; returns the bytes written so the work cannot be optimized away. */
  @Benchmark
  public int encode() {
    scratch.clear();
    WireCodec.encodeMessage(GROUP, toEncode, scratch);
    return scratch.writerIndex();
  }

  /** Decodes one frame body, as the frame decoder hands it over. */
  @Benchmark
  public Frame decode() throws MalformedFrameException {
    return decodeBody();
  }

  /** Encodes one frame, then reads its length prefix and decodes the body that follows. */
  @Benchmark
  public Frame encodeThenDecode() throws MalformedFrameException {
    scratch.clear();
    WireCodec.encodeMessage(GROUP, toEncode, scratch);
    int bodyLength = scratch.readInt();
    if (bodyLength != scratch.readableBytes()) {
      throw new IllegalStateException("length prefix " + bodyLength + " for " + scratch.readableBytes() + " bytes");
    }
    return WireCodec.decode(scratch);
  }

  private Frame decodeBody() throws MalformedFrameException {
    body.readerIndex(0);
    return WireCodec.decode(body);
  }

  /** An AppendEntries of {@code count} command entries of {@code commandBytes} bytes each. */
  static AppendEntries appendEntries(int count, int commandBytes) {
    long prevIndex = 1_000_000;
    List<LogEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] command = new byte[commandBytes];
      for (int j = 0; j < commandBytes; j++) {
        command[j] = (byte) (i + j);
      }
      entries.add(LogEntry.command(prevIndex + 1 + i, 7, command));
    }
    return new AppendEntries(7, LEADER, prevIndex, 7, entries, prevIndex);
  }
}
