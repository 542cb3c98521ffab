package io.keel.transport.netty.wire;

import io.keel.raft.ConfigurationCodec;
import io.keel.raft.EntryType;

/**
 * The constants of Keel's wire format, version 4, and its specification below. Version 4 added
 * linearizable reads: LeadershipCheck and its response (types 10 and 11), a follower's
 * ReadIndexRequest and its response (12 and 13). Version 3 added membership changes: configuration entries (entry type 2), a leadershipTransfer flag at the end
 * of RequestVote, the TimeoutNow message (type 9), and an InstallSnapshot meta of version 2 that
 * carries the whole configuration instead of a list of voters. Version 2 numbered entry types as
 * the file log does ({@link EntryType#code()}); version 1 numbered them 1 and 2. A node speaks one
 * version and refuses frames of any other.
 *
 * <h2>Framing</h2>
 *
 * <p>A connection carries a sequence of frames. Every frame is a {@code u32 length}, the number of
 * bytes that follow the length field, then that many bytes of body. The body starts with
 * {@code u8 version} (always {@value #VERSION}) and {@code u8 frameType}, then the payload of that
 * frame type. All integers are big-endian and unsigned unless marked {@code i64}; longs
 * ({@code i64}) are 8 bytes, fixed. A body must be consumed exactly: trailing bytes make the frame
 * malformed. A receiver accepts frames of at most a small pre-handshake size until the handshake
 * is done, then of at most its configured maximum frame size.
 *
 * <p>A <em>short string</em> is {@code u8 length} then that many ASCII bytes, each a letter, a digit,
 * {@code '.'}, {@code '_'} or {@code '-'}; the length is 1 to {@value #MAX_SHORT_STRING_BYTES}. A
 * <em>reason</em> is {@code u16 length} (at most {@value #MAX_REASON_BYTES}) then that many bytes of
 * well-formed UTF-8.
 *
 * <h2>Frame types</h2>
 *
 * <pre>
 * 1 HELLO      dialer to acceptor, first frame of a connection:
 *              u32 magic 0x4B45454C ("KEEL"), short string clusterId,
 *              short string fromNode, short string toNode
 * 2 HELLO_ACK  acceptor to dialer: short string clusterId, short string node (the acceptor)
 * 3 REJECT     either side, just before it closes the connection: reason
 * 4 MESSAGE    short string groupId, u8 messageType, then the message's fields
 * 5 PING       either side, after the handshake, when it has sent nothing for a while; no
 *              payload. It only shows the connection is alive.
 * </pre>
 *
 * <h2>Message types</h2>
 *
 * <p>Every message starts with {@code i64 term} and {@code from}, a short string.
 *
 * <pre>
 * 1 PreVote                term, from, i64 lastLogIndex, i64 lastLogTerm
 * 2 PreVoteResponse        term, from, u8 granted (0 or 1)
 * 3 RequestVote            term, from, i64 lastLogIndex, i64 lastLogTerm,
 *                          u8 leadershipTransfer (0 or 1)
 * 4 RequestVoteResponse    term, from, u8 granted (0 or 1)
 * 5 AppendEntries          term, from, i64 prevLogIndex, i64 prevLogTerm, i64 leaderCommit,
 *                          u32 entryCount, then per entry:
 *                            i64 term, u8 type (EntryType.code(): 0 COMMAND, 1 NO_OP,
 *                            2 CONFIGURATION), u32 commandLength, command
 * 6 AppendEntriesResponse  term, from, u8 success (0 or 1), i64 matchIndex, i64 conflictTerm,
 *                          i64 conflictIndex
 * 7 InstallSnapshot        term, from, meta, i64 size, u32 checksum, i64 offset, u32 dataLength,
 *                          data (dataLength bytes)
 *                          where meta is: u8 metaVersion (always 2), i64 lastIndex, i64 lastTerm,
 *                          u32 configurationLength, configuration (configurationLength bytes,
 *                          in ConfigurationCodec's form)
 * 8 InstallSnapshotResponse
 *                          term, from, i64 snapshotIndex, i64 position, u8 done (0 or 1)
 * 9 TimeoutNow             term, from
 * 10 LeadershipCheck       term, from, i64 round (at least 1)
 * 11 LeadershipCheckResponse
 *                          term, from, i64 round (at least 1)
 * 12 ReadIndexRequest      term, from, i64 requestId
 * 13 ReadIndexResponse     term, from, i64 requestId, i64 readIndex (0 unless ok), u8 ok (0 or 1)
 * </pre>
 *
 * <p>An InstallSnapshot carries one chunk of a snapshot's payload: {@code size} is the whole
 * payload's length in bytes, {@code checksum} its CRC-32C as an unsigned 32-bit value, and the
 * chunk's {@code dataLength} bytes belong at {@code offset}, with {@code 0 <= offset} and
 * {@code offset + dataLength <= size}; a chunk with no data is a probe. The meta has a version byte
 * of its own so that it can grow without a new message type; a receiver refuses any version but
 * {@value #SNAPSHOT_META_VERSION} (wire version 2 sent meta version 1, which listed voters only).
 * It must be the meta of a snapshot worth sending: {@code lastIndex} and {@code lastTerm} at least
 * 1, and a configuration, in {@link ConfigurationCodec}'s form, that decodes and has at least one
 * voter. An InstallSnapshotResponse has a {@code snapshotIndex} of at least 1 and a
 * {@code position} of at least 0. A receiver checks {@code configurationLength} against
 * {@value #MAX_CONFIGURATION_BYTES} ({@link ConfigurationCodec#MAX_ENCODED_BYTES}, the largest
 * configuration) and against the bytes left in the frame, and {@code dataLength} against the bytes
 * left, before it allocates anything for them.
 *
 * <p>Entry indexes are not sent: entry {@code i} (from 0) of an AppendEntries has index
 * {@code prevLogIndex + 1 + i}. A NO_OP entry has an empty command; a CONFIGURATION entry's command
 * is a configuration in {@link ConfigurationCodec}'s form, of at most
 * {@value #MAX_CONFIGURATION_BYTES} bytes, that decodes and has at least one voter. A TimeoutNow
 * asks its receiver to start an election at once (a leadership transfer); its RequestVotes then
 * carry {@code leadershipTransfer} 1. Any byte outside the values listed (a boolean of 2, an entry
 * type of 3, an unknown frame or message type) makes the frame malformed, and so does any value the
 * message itself forbids, such as a negative term or a non-zero term at index 0. A receiver closes
 * the connection on the first malformed frame.
 */
public final class WireFormat {

  /** The version byte every frame body starts with. */
  public static final int VERSION = 4;

  /** Bytes of the length field in front of every body. */
  public static final int LENGTH_FIELD_BYTES = 4;
  /** The shortest possible body: version and frame type. */
  public static final int MIN_BODY_BYTES = 2;

  /** Frame type: the dialer's greeting. */
  public static final int FRAME_HELLO = 1;
  /** Frame type: the acceptor's answer to a greeting. */
  public static final int FRAME_HELLO_ACK = 2;
  /** Frame type: a refusal, sent just before closing. */
  public static final int FRAME_REJECT = 3;
  /** Frame type: a Raft message for one group. */
  public static final int FRAME_MESSAGE = 4;
  /** Frame type of a PING: a sign of life on an idle connection, with no payload. */
  public static final int FRAME_PING = 5;
  /** The highest frame type defined; anything above it is unknown. */
  public static final int LAST_FRAME_TYPE = FRAME_PING;

  /** Message type of a PreVote. */
  public static final int MESSAGE_PRE_VOTE = 1;
  /** Message type of a PreVoteResponse. */
  public static final int MESSAGE_PRE_VOTE_RESPONSE = 2;
  /** Message type of a RequestVote. */
  public static final int MESSAGE_REQUEST_VOTE = 3;
  /** Message type of a RequestVoteResponse. */
  public static final int MESSAGE_REQUEST_VOTE_RESPONSE = 4;
  /** Message type of an AppendEntries. */
  public static final int MESSAGE_APPEND_ENTRIES = 5;
  /** Message type of an AppendEntriesResponse. */
  public static final int MESSAGE_APPEND_ENTRIES_RESPONSE = 6;

  /** Message type of an InstallSnapshot: one chunk of a snapshot's payload. */
  public static final int MESSAGE_INSTALL_SNAPSHOT = 7;
  /** Message type of an InstallSnapshotResponse. */
  public static final int MESSAGE_INSTALL_SNAPSHOT_RESPONSE = 8;
  /** Message type of a TimeoutNow: a leader hands its leadership to the receiver. */
  public static final int MESSAGE_TIMEOUT_NOW = 9;
  /** Message type of a LeadershipCheck: a leader confirming its leadership before it serves reads. */
  public static final int MESSAGE_LEADERSHIP_CHECK = 10;
  /** Message type of a LeadershipCheckResponse. */
  public static final int MESSAGE_LEADERSHIP_CHECK_RESPONSE = 11;
  /** Message type of a ReadIndexRequest: a follower asking its leader for a read index. */
  public static final int MESSAGE_READ_INDEX_REQUEST = 12;
  /** Message type of a ReadIndexResponse. */
  public static final int MESSAGE_READ_INDEX_RESPONSE = 13;
  /** The highest message type defined; anything above it is unknown. */
  public static final int LAST_MESSAGE_TYPE = MESSAGE_READ_INDEX_RESPONSE;

  /** The version byte an InstallSnapshot's meta starts with. */
  public static final int SNAPSHOT_META_VERSION = 2;
  /**
   * The longest configuration an InstallSnapshot's meta or a configuration entry may carry, in
   * bytes: {@link ConfigurationCodec#MAX_ENCODED_BYTES}.
   */
  public static final int MAX_CONFIGURATION_BYTES = ConfigurationCodec.MAX_ENCODED_BYTES;

  /** Entry type of a command entry: {@link EntryType#code()}, as in the file log. */
  public static final int ENTRY_COMMAND = EntryType.COMMAND.code();
  /** Entry type of a leader's no-op entry. */
  public static final int ENTRY_NO_OP = EntryType.NO_OP.code();
  /** Entry type of a configuration entry, whose command is a configuration. */
  public static final int ENTRY_CONFIGURATION = EntryType.CONFIGURATION.code();
  /** The fewest bytes one entry takes: term, type and command length. */
  public static final int MIN_ENTRY_BYTES = 8 + 1 + 4;

  /** The magic number that opens a HELLO: "KEEL" in ASCII. */
  public static final int MAGIC = 0x4B45454C;
  /** The longest short string, in bytes. */
  public static final int MAX_SHORT_STRING_BYTES = 64;
  /** The longest reason, in UTF-8 bytes. */
  public static final int MAX_REASON_BYTES = 1024;

  private WireFormat() {}
}
