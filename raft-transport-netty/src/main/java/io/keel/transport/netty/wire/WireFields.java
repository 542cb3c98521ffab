package io.keel.transport.netty.wire;

import io.keel.raft.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads of single fields, and the matching writes. Each read names the field by the
 * part of the frame it belongs to and its own name; the two are joined only to build an error, so a
 * well-formed frame costs no string work.
 */
final class WireFields {

  /** Stops at the first byte that may not appear in a short string. */
  private static final ByteProcessor NOT_IDENTIFIER_BYTE = value -> Identifiers.isAllowed(value & 0xFF);

  private WireFields() {}

  static void requireReadable(ByteBuf in, long bytes, String part, String field)
      throws MalformedFrameException {
    if (in.readableBytes() < bytes) {
      throw new MalformedFrameException(part + " " + field + " needs " + bytes
          + (bytes == 1 ? " byte" : " bytes") + " but only " + in.readableBytes() + " remain");
    }
  }

  static int readUnsignedByte(ByteBuf in, String part, String field) throws MalformedFrameException {
    requireReadable(in, 1, part, field);
    return in.readUnsignedByte();
  }

  static int readUnsignedShort(ByteBuf in, String part, String field) throws MalformedFrameException {
    requireReadable(in, 2, part, field);
    return in.readUnsignedShort();
  }

  static long readUnsignedInt(ByteBuf in, String part, String field) throws MalformedFrameException {
    requireReadable(in, 4, part, field);
    return in.readUnsignedInt();
  }

  static long readLong(ByteBuf in, String part, String field) throws MalformedFrameException {
    requireReadable(in, 8, part, field);
    return in.readLong();
  }

  static boolean readBoolean(ByteBuf in, String part, String field) throws MalformedFrameException {
    int value = readUnsignedByte(in, part, field);
    if (value > 1) {
      throw new MalformedFrameException(part + " " + field + " must be 0 or 1, got " + value);
    }
    return value == 1;
  }

  /** Reads a short string, checking every byte before building the string. */
  static String readShortString(ByteBuf in, String part, String field) throws MalformedFrameException {
    int length = readUnsignedByte(in, part, field);
    if (length == 0 || length > WireFormat.MAX_SHORT_STRING_BYTES) {
      throw new MalformedFrameException(part + " " + field + " has length " + length + ", must be 1 to "
          + WireFormat.MAX_SHORT_STRING_BYTES);
    }
    requireReadable(in, length, part, field);
    int start = in.readerIndex();
    // One bounds check for the whole run rather than one per byte (getUnsignedByte's).
    int invalid = in.forEachByte(start, length, NOT_IDENTIFIER_BYTE);
    if (invalid >= 0) {
      throw new MalformedFrameException(String.format(
          "%s %s holds byte 0x%02x at position %d; only letters, digits, '.', '_' and '-' are allowed",
          part, field, in.getUnsignedByte(invalid), invalid - start));
    }
    String value = in.toString(start, length, StandardCharsets.US_ASCII);
    in.skipBytes(length);
    return value;
  }

  static NodeId readNodeId(ByteBuf in, String part, String field) throws MalformedFrameException {
    return new NodeId(readShortString(in, part, field));
  }

  /** Writes a string that the caller's record has already validated as a short string. */
  static void writeShortString(ByteBuf out, String value) {
    out.writeByte(value.length());
    out.writeCharSequence(value, StandardCharsets.US_ASCII);
  }
}
