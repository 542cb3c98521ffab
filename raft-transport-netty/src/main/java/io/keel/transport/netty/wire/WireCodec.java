package io.keel.transport.netty.wire;

import static io.keel.transport.netty.wire.WireFields.readNodeId;
import static io.keel.transport.netty.wire.WireFields.readShortString;
import static io.keel.transport.netty.wire.WireFields.readUnsignedByte;
import static io.keel.transport.netty.wire.WireFields.readUnsignedInt;
import static io.keel.transport.netty.wire.WireFields.requireReadable;
import static io.keel.transport.netty.wire.WireFields.writeShortString;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link Frame}s to the {@link WireFormat} and decodes them back. Decoding treats its input
 * as hostile: it never allocates in proportion to a length or count before checking it against
 * the bytes present, and it reports anything wrong as a {@link MalformedFrameException}.
 */
public final class WireCodec {

  private WireCodec() {}

  /**
   * Appends {@code frame} to {@code out}, length prefix included. If writing fails (the buffer
   * cannot grow), {@code out}'s writer index is restored and the exception rethrown.
   */
  public static void encode(Frame frame, ByteBuf out) {
    if (frame instanceof Frame.MessageFrame m) {
      encodeMessage(m.group(), m.message(), out);
      return;
    }
    int lengthIndex = startFrame(out);
    try {
      if (frame instanceof Frame.Hello hello) {
        out.writeByte(WireFormat.FRAME_HELLO);
        out.writeInt(WireFormat.MAGIC);
        writeShortString(out, hello.clusterId());
        writeShortString(out, hello.from().value());
        writeShortString(out, hello.to().value());
      } else if (frame instanceof Frame.HelloAck ack) {
        out.writeByte(WireFormat.FRAME_HELLO_ACK);
        writeShortString(out, ack.clusterId());
        writeShortString(out, ack.node().value());
      } else if (frame instanceof Frame.Reject reject) {
        out.writeByte(WireFormat.FRAME_REJECT);
        int reasonLengthIndex = out.writerIndex();
        out.writeShort(0);
        int reasonBytes = out.writeCharSequence(reject.reason(), StandardCharsets.UTF_8);
        out.setShort(reasonLengthIndex, reasonBytes);
      } else if (frame instanceof Frame.Ping) {
        out.writeByte(WireFormat.FRAME_PING);
      } else {
        throw new IllegalArgumentException("no wire encoding for " + frame.getClass().getName());
      }
    } catch (RuntimeException e) {
      out.writerIndex(lengthIndex);
      throw e;
    }
    finishFrame(out, lengthIndex);
  }

  /**
   * Appends a MESSAGE frame, length prefix included, without building a {@link Frame.MessageFrame}:
   * the send path's shortcut. Fails like {@link #encode}.
   */
  public static void encodeMessage(GroupId group, Message message, ByteBuf out) {
    int lengthIndex = startFrame(out);
    try {
      out.writeByte(WireFormat.FRAME_MESSAGE);
      writeShortString(out, group.value());
      MessageCodec.encode(message, out);
    } catch (RuntimeException e) {
      out.writerIndex(lengthIndex);
      throw e;
    }
    finishFrame(out, lengthIndex);
  }

  /** Reserves the length field and writes the version; returns where the length field is. */
  private static int startFrame(ByteBuf out) {
    int lengthIndex = out.writerIndex();
    out.writeInt(0);
    out.writeByte(WireFormat.VERSION);
    return lengthIndex;
  }

  private static void finishFrame(ByteBuf out, int lengthIndex) {
    out.setInt(lengthIndex, out.writerIndex() - lengthIndex - WireFormat.LENGTH_FIELD_BYTES);
  }

  /**
   * Decodes one frame body: the bytes after the length prefix, from {@code body}'s reader index to
   * its writer index, which must hold exactly one frame. Advances the reader index. The frame keeps
   * no reference to {@code body}.
   *
   * @throws MalformedFrameException if the body breaks the format in any way; its message says how
   */
  public static Frame decode(ByteBuf body) throws MalformedFrameException {
    int version = readUnsignedByte(body, "frame", "version");
    if (version != WireFormat.VERSION) {
      throw new MalformedFrameException("unsupported wire version " + version);
    }
    int frameType = readUnsignedByte(body, "frame", "type");
    Frame frame;
    switch (frameType) {
      case WireFormat.FRAME_HELLO:
        frame = decodeHello(body);
        break;
      case WireFormat.FRAME_HELLO_ACK:
        frame = decodeHelloAck(body);
        break;
      case WireFormat.FRAME_REJECT:
        frame = decodeReject(body);
        break;
      case WireFormat.FRAME_MESSAGE:
        frame = decodeMessageFrame(body);
        break;
      case WireFormat.FRAME_PING:
        frame = Frame.Ping.INSTANCE;
        break;
      default:
        throw new MalformedFrameException("unknown frame type " + frameType);
    }
    if (body.isReadable()) {
      throw new MalformedFrameException("trailing " + body.readableBytes() + " bytes after " + describe(frame));
    }
    return frame;
  }

  private static Frame decodeHello(ByteBuf in) throws MalformedFrameException {
    long magic = readUnsignedInt(in, "HELLO", "magic");
    if (magic != WireFormat.MAGIC) {
      throw new MalformedFrameException(
          String.format("HELLO has magic 0x%08X, expected 0x%08X", magic, WireFormat.MAGIC));
    }
    String clusterId = readShortString(in, "HELLO", "clusterId");
    NodeId from = readNodeId(in, "HELLO", "fromNode");
    NodeId to = readNodeId(in, "HELLO", "toNode");
    return new Frame.Hello(clusterId, from, to);
  }

  private static Frame decodeHelloAck(ByteBuf in) throws MalformedFrameException {
    String clusterId = readShortString(in, "HELLO_ACK", "clusterId");
    NodeId node = readNodeId(in, "HELLO_ACK", "node");
    return new Frame.HelloAck(clusterId, node);
  }

  private static Frame decodeReject(ByteBuf in) throws MalformedFrameException {
    requireReadable(in, 2, "REJECT", "reason length");
    int length = in.readUnsignedShort();
    if (length > WireFormat.MAX_REASON_BYTES) {
      throw new MalformedFrameException(
          "REJECT reason declares " + length + " bytes, more than " + WireFormat.MAX_REASON_BYTES);
    }
    requireReadable(in, length, "REJECT", "reason");
    String reason;
    try {
      // A reporting decoder: lenient decoding would turn bad bytes into U+FFFD and hide them.
      reason = StandardCharsets.UTF_8.newDecoder().decode(in.nioBuffer(in.readerIndex(), length)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedFrameException("REJECT reason is not well-formed UTF-8", e);
    }
    in.skipBytes(length);
    try {
      return new Frame.Reject(reason);
    } catch (IllegalArgumentException e) {
      throw new MalformedFrameException("invalid REJECT: " + e.getMessage(), e);
    }
  }

  private static Frame decodeMessageFrame(ByteBuf in) throws MalformedFrameException {
    GroupId group = new GroupId(readShortString(in, "MESSAGE", "groupId"));
    return new Frame.MessageFrame(group, MessageCodec.decode(in));
  }

  private static String describe(Frame frame) {
    if (frame instanceof Frame.MessageFrame m) {
      return m.message().getClass().getSimpleName();
    }
    if (frame instanceof Frame.Hello) {
      return "HELLO";
    }
    if (frame instanceof Frame.Ping) {
      return "PING";
    }
    return frame instanceof Frame.HelloAck ? "HELLO_ACK" : "REJECT";
  }
}
