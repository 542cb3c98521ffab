package io.keel.transport.netty.wire;

import static io.keel.transport.netty.wire.WireFields.readBoolean;
import static io.keel.transport.netty.wire.WireFields.readLong;
import static io.keel.transport.netty.wire.WireFields.readNodeId;

import io.keel.raft.NodeId;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.LeadershipCheckResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.ReadIndexRequest;
import io.keel.raft.message.ReadIndexResponse;
import io.netty.buffer.ByteBuf;

/**
 * The four read messages in the {@link WireFormat}: LeadershipCheck and its response, and a
 * follower's ReadIndexRequest and its response; the fields after the message type byte. Kept apart
 * from {@link MessageCodec}, which dispatches to it, along message lines.
 */
final class ReadMessageCodec {

  private ReadMessageCodec() {}

  /** Writes {@code message} if it is a read message; returns whether it was one. */
  static boolean encode(Message message, ByteBuf out) {
    if (message instanceof LeadershipCheck m) {
      MessageCodec.encodeHeader(WireFormat.MESSAGE_LEADERSHIP_CHECK, m, out);
      out.writeLong(m.round());
    } else if (message instanceof LeadershipCheckResponse m) {
      MessageCodec.encodeHeader(WireFormat.MESSAGE_LEADERSHIP_CHECK_RESPONSE, m, out);
      out.writeLong(m.round());
    } else if (message instanceof ReadIndexRequest m) {
      MessageCodec.encodeHeader(WireFormat.MESSAGE_READ_INDEX_REQUEST, m, out);
      out.writeLong(m.requestId());
    } else if (message instanceof ReadIndexResponse m) {
      MessageCodec.encodeHeader(WireFormat.MESSAGE_READ_INDEX_RESPONSE, m, out);
      out.writeLong(m.requestId());
      out.writeLong(m.readIndex());
      out.writeBoolean(m.ok());
    } else {
      return false;
    }
    return true;
  }

  /** Reads the read message of type {@code messageType}, whose type byte has been read. */
  static Message decode(int messageType, ByteBuf in) throws MalformedFrameException {
    String part = switch (messageType) {
      case WireFormat.MESSAGE_LEADERSHIP_CHECK -> "LeadershipCheck";
      case WireFormat.MESSAGE_LEADERSHIP_CHECK_RESPONSE -> "LeadershipCheckResponse";
      case WireFormat.MESSAGE_READ_INDEX_REQUEST -> "ReadIndexRequest";
      default -> "ReadIndexResponse";
    };
    long term = readLong(in, part, "term");
    NodeId from = readNodeId(in, part, "from");
    long number = readLong(in, part, messageType <= WireFormat.MESSAGE_LEADERSHIP_CHECK_RESPONSE ? "round" : "requestId");
    try {
      return switch (messageType) {
        case WireFormat.MESSAGE_LEADERSHIP_CHECK -> new LeadershipCheck(term, from, number);
        case WireFormat.MESSAGE_LEADERSHIP_CHECK_RESPONSE -> new LeadershipCheckResponse(term, from, number);
        case WireFormat.MESSAGE_READ_INDEX_REQUEST -> new ReadIndexRequest(term, from, number);
        default -> new ReadIndexResponse(term, from, number, readLong(in, part, "readIndex"),
            readBoolean(in, part, "ok"));
      };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MessageCodec.invalid(part, e);
    }
  }
}
