package io.keel.transport.netty.wire;

import static io.keel.transport.netty.wire.WireFields.readBoolean;
import static io.keel.transport.netty.wire.WireFields.readLong;
import static io.keel.transport.netty.wire.WireFields.readNodeId;
import static io.keel.transport.netty.wire.WireFields.readUnsignedByte;
import static io.keel.transport.netty.wire.WireFields.readUnsignedInt;
import static io.keel.transport.netty.wire.WireFields.writeShortString;

import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.message.TimeoutNow;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The Raft messages in the {@link WireFormat}: the message type byte and the fields after it. The
 * two snapshot messages are left to {@link SnapshotMessageCodec}.
 */
final class MessageCodec {

  private static final byte[] EMPTY_COMMAND = new byte[0];
  private static final String APPEND_ENTRIES = "AppendEntries";

  private MessageCodec() {}

  static void encode(Message message, ByteBuf out) {
    if (message instanceof AppendEntries m) {
      encodeAppendEntries(m, out);
    } else if (message instanceof AppendEntriesResponse m) {
      encodeHeader(WireFormat.MESSAGE_APPEND_ENTRIES_RESPONSE, m, out);
      out.writeBoolean(m.success());
      out.writeLong(m.matchIndex());
      out.writeLong(m.conflictTerm());
      out.writeLong(m.conflictIndex());
    } else if (message instanceof PreVote m) {
      encodeHeader(WireFormat.MESSAGE_PRE_VOTE, m, out);
      out.writeLong(m.lastLogIndex());
      out.writeLong(m.lastLogTerm());
    } else if (message instanceof RequestVote m) {
      encodeHeader(WireFormat.MESSAGE_REQUEST_VOTE, m, out);
      out.writeLong(m.lastLogIndex());
      out.writeLong(m.lastLogTerm());
      out.writeBoolean(m.leadershipTransfer());
    } else if (message instanceof PreVoteResponse m) {
      encodeHeader(WireFormat.MESSAGE_PRE_VOTE_RESPONSE, m, out);
      out.writeBoolean(m.granted());
    } else if (message instanceof RequestVoteResponse m) {
      encodeHeader(WireFormat.MESSAGE_REQUEST_VOTE_RESPONSE, m, out);
      out.writeBoolean(m.granted());
    } else if (message instanceof InstallSnapshot m) {
      SnapshotMessageCodec.encodeInstallSnapshot(m, out);
    } else if (message instanceof InstallSnapshotResponse m) {
      SnapshotMessageCodec.encodeInstallSnapshotResponse(m, out);
    } else if (message instanceof TimeoutNow m) {
      encodeHeader(WireFormat.MESSAGE_TIMEOUT_NOW, m, out);
    } else if (!ReadMessageCodec.encode(message, out)) {
      throw new IllegalArgumentException("no wire encoding for " + message.getClass().getName());
    }
  }

  /** Writes what every message starts with: its type, term and sender. */
  static void encodeHeader(int messageType, Message message, ByteBuf out) {
    out.writeByte(messageType);
    out.writeLong(message.term());
    writeShortString(out, message.from().value());
  }

  private static void encodeAppendEntries(AppendEntries message, ByteBuf out) {
    encodeHeader(WireFormat.MESSAGE_APPEND_ENTRIES, message, out);
    out.writeLong(message.prevLogIndex());
    out.writeLong(message.prevLogTerm());
    out.writeLong(message.leaderCommit());
    out.writeInt(message.entries().size());
    for (LogEntry entry : message.entries()) {
      out.writeLong(entry.term());
      out.writeByte(entry.type().code());
      out.writeInt(entry.command().length);
      out.writeBytes(entry.command());
    }
  }

  static Message decode(ByteBuf in) throws MalformedFrameException {
    int messageType = readUnsignedByte(in, "MESSAGE", "messageType");
    switch (messageType) {
      case WireFormat.MESSAGE_PRE_VOTE:
        return decodeVoteRequest(in, true);
      case WireFormat.MESSAGE_REQUEST_VOTE:
        return decodeVoteRequest(in, false);
      case WireFormat.MESSAGE_PRE_VOTE_RESPONSE:
        return decodeVoteResponse(in, true);
      case WireFormat.MESSAGE_REQUEST_VOTE_RESPONSE:
        return decodeVoteResponse(in, false);
      case WireFormat.MESSAGE_APPEND_ENTRIES:
        return decodeAppendEntries(in);
      case WireFormat.MESSAGE_APPEND_ENTRIES_RESPONSE:
        return decodeAppendEntriesResponse(in);
      case WireFormat.MESSAGE_INSTALL_SNAPSHOT:
        return SnapshotMessageCodec.decodeInstallSnapshot(in);
      case WireFormat.MESSAGE_INSTALL_SNAPSHOT_RESPONSE:
        return SnapshotMessageCodec.decodeInstallSnapshotResponse(in);
      case WireFormat.MESSAGE_TIMEOUT_NOW:
        return decodeTimeoutNow(in);
      case WireFormat.MESSAGE_LEADERSHIP_CHECK:
      case WireFormat.MESSAGE_LEADERSHIP_CHECK_RESPONSE:
      case WireFormat.MESSAGE_READ_INDEX_REQUEST:
      case WireFormat.MESSAGE_READ_INDEX_RESPONSE:
        return ReadMessageCodec.decode(messageType, in);
      default:
        throw new MalformedFrameException("unknown message type " + messageType);
    }
  }

  private static Message decodeVoteRequest(ByteBuf in, boolean preVote) throws MalformedFrameException {
    String part = preVote ? "PreVote" : "RequestVote";
    long term = readLong(in, part, "term");
    NodeId from = readNodeId(in, part, "from");
    long lastLogIndex = readLong(in, part, "lastLogIndex");
    long lastLogTerm = readLong(in, part, "lastLogTerm");
    boolean leadershipTransfer = !preVote && readBoolean(in, part, "leadershipTransfer");
    try {
      return preVote
          ? new PreVote(term, from, lastLogIndex, lastLogTerm)
          : new RequestVote(term, from, lastLogIndex, lastLogTerm, leadershipTransfer);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(part, e);
    }
  }

  private static Message decodeTimeoutNow(ByteBuf in) throws MalformedFrameException {
    String part = "TimeoutNow";
    long term = readLong(in, part, "term");
    NodeId from = readNodeId(in, part, "from");
    try {
      return new TimeoutNow(term, from);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(part, e);
    }
  }

  private static Message decodeVoteResponse(ByteBuf in, boolean preVote) throws MalformedFrameException {
    String part = preVote ? "PreVoteResponse" : "RequestVoteResponse";
    long term = readLong(in, part, "term");
    NodeId from = readNodeId(in, part, "from");
    boolean granted = readBoolean(in, part, "granted");
    try {
      return preVote ? new PreVoteResponse(term, from, granted) : new RequestVoteResponse(term, from, granted);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(part, e);
    }
  }

  private static Message decodeAppendEntriesResponse(ByteBuf in) throws MalformedFrameException {
    String part = "AppendEntriesResponse";
    long term = readLong(in, part, "term");
    NodeId from = readNodeId(in, part, "from");
    boolean success = readBoolean(in, part, "success");
    long matchIndex = readLong(in, part, "matchIndex");
    long conflictTerm = readLong(in, part, "conflictTerm");
    long conflictIndex = readLong(in, part, "conflictIndex");
    try {
      return new AppendEntriesResponse(term, from, success, matchIndex, conflictTerm, conflictIndex);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(part, e);
    }
  }

  private static Message decodeAppendEntries(ByteBuf in) throws MalformedFrameException {
    long term = readLong(in, APPEND_ENTRIES, "term");
    NodeId from = readNodeId(in, APPEND_ENTRIES, "from");
    long prevLogIndex = readLong(in, APPEND_ENTRIES, "prevLogIndex");
    long prevLogTerm = readLong(in, APPEND_ENTRIES, "prevLogTerm");
    long leaderCommit = readLong(in, APPEND_ENTRIES, "leaderCommit");
    long entryCount = readUnsignedInt(in, APPEND_ENTRIES, "entryCount");
    // The count is the peer's claim: bound it by the bytes present before sizing anything by it.
    if (entryCount > in.readableBytes() / WireFormat.MIN_ENTRY_BYTES) {
      throw new MalformedFrameException("AppendEntries declares " + entryCount + " entries but only "
          + in.readableBytes() + " bytes remain");
    }
    LogEntry[] entries = new LogEntry[(int) entryCount];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = decodeEntry(in, prevLogIndex + 1 + i, i);
    }
    try {
      return new AppendEntries(term, from, prevLogIndex, prevLogTerm, List.of(entries), leaderCommit);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(APPEND_ENTRIES, e);
    }
  }

  private static LogEntry decodeEntry(ByteBuf in, long index, int position) throws MalformedFrameException {
    long term = readLong(in, APPEND_ENTRIES, "entry term");
    int code = readUnsignedByte(in, APPEND_ENTRIES, "entry type");
    EntryType type = EntryType.ofCode(code);
    if (type == null) {
      throw new MalformedFrameException("AppendEntries entry " + position + " has unknown type " + code);
    }
    long commandLength = readUnsignedInt(in, APPEND_ENTRIES, "entry commandLength");
    if (commandLength > in.readableBytes()) {
      throw new MalformedFrameException("AppendEntries entry " + position + " declares a " + commandLength
          + "-byte command but only " + in.readableBytes() + " bytes remain");
    }
    if (type == EntryType.NO_OP && commandLength != 0) {
      throw new MalformedFrameException(
          "AppendEntries entry " + position + " is a no-op with a " + commandLength + "-byte command");
    }
    if (type == EntryType.CONFIGURATION && commandLength > WireFormat.MAX_CONFIGURATION_BYTES) {
      throw new MalformedFrameException("AppendEntries entry " + position + " is a configuration of "
          + commandLength + " bytes, more than " + WireFormat.MAX_CONFIGURATION_BYTES);
    }
    // LogEntry keeps the array, so each command gets its own, sized exactly.
    byte[] command = commandLength == 0 ? EMPTY_COMMAND : new byte[(int) commandLength];
    in.readBytes(command);
    // LogEntry decodes a configuration entry's command, and refuses one that does not decode.
    try {
      return new LogEntry(index, term, type, command);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid("AppendEntries entry " + position, e);
    }
  }

  /** The error for values that {@code part}'s record refused, with the record's reason. */
  static MalformedFrameException invalid(String part, RuntimeException refusal) {
    return new MalformedFrameException("invalid " + part + ": " + refusal.getMessage(), refusal);
  }
}
