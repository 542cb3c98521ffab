package io.keel.raft.session;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One command to a {@link SessionStateMachine}, as it travels in the log. Binary form, big-endian:
 *
 * <pre>
 *   byte  0x53 ('S'), byte version (1), byte kind (1 register, 2 command, 3 close)
 *   long  timeMillis   the proposing node's clock when it proposed (it must lead to append it)
 *   long  clientId     not 0
 *   register only:
 *   long  sequence     the first number the client will use: earlier ones are refused
 *   command only:
 *   long  sequence         1 or more
 *   long  acknowledgedBelow 1 or more: the client has the results of every sequence below it
 *   rest  payload          the user's command
 * </pre>
 *
 * @param kind what the client asks
 * @param timeMillis the proposing node's clock, in milliseconds; the table's time is the highest seen
 * @param clientId the client's session
 * @param sequence the command's number within the session; for a registration, the first number
 *     the client will use (a client registering again after its session expired must not have an
 *     old command applied in the new session); 0 for a close
 * @param acknowledgedBelow every command numbered below it has been answered to the client (0 for register and close)
 * @param payload the user's command (empty for register and close)
 */
public record SessionEnvelope(Kind kind, long timeMillis, long clientId, long sequence, long acknowledgedBelow,
    byte[] payload) {

  /** What a session command asks. */
  public enum Kind {
    /** Opens the session (again, harmlessly, if it is open). */
    REGISTER,
    /** Applies a numbered command once. */
    COMMAND,
    /** Closes the session, forgetting its results. */
    CLOSE
  }

  private static final byte MAGIC = 0x53;
  private static final byte VERSION = 1;
  private static final int HEADER = 3 + 8 + 8;
  private static final int COMMAND_HEADER = HEADER + 8 + 8;

  /** Validates the fields. */
  public SessionEnvelope {
    if (kind == null || payload == null) {
      throw new IllegalArgumentException("kind and payload must be set");
    }
    if (clientId == 0) {
      throw new IllegalArgumentException("client id 0 is reserved");
    }
    if (kind == Kind.COMMAND && (sequence < 1 || acknowledgedBelow < 1)) {
      throw new IllegalArgumentException("a command needs a sequence and acknowledgedBelow of 1 or more, got "
          + sequence + " and " + acknowledgedBelow);
    }
    if (kind == Kind.REGISTER && (sequence < 1 || acknowledgedBelow != 0 || payload.length != 0)) {
      throw new IllegalArgumentException("a registration carries its first sequence, of 1 or more, and nothing else");
    }
    if (kind == Kind.CLOSE && (sequence != 0 || acknowledgedBelow != 0 || payload.length != 0)) {
      throw new IllegalArgumentException("a close carries no sequence, acknowledgement or payload");
    }
  }

  /** A registration of {@code clientId} at {@code timeMillis}, whose commands will be numbered from {@code firstSequence}. */
  public static SessionEnvelope register(long clientId, long firstSequence, long timeMillis) {
    return new SessionEnvelope(Kind.REGISTER, timeMillis, clientId, firstSequence, 0, new byte[0]);
  }

  /** The close of {@code clientId}'s session at {@code timeMillis}. */
  public static SessionEnvelope close(long clientId, long timeMillis) {
    return new SessionEnvelope(Kind.CLOSE, timeMillis, clientId, 0, 0, new byte[0]);
  }

  /** Command {@code sequence} of {@code clientId}, carrying {@code payload}. */
  public static SessionEnvelope command(long clientId, long sequence, long acknowledgedBelow, long timeMillis,
      byte[] payload) {
    return new SessionEnvelope(Kind.COMMAND, timeMillis, clientId, sequence, acknowledgedBelow, payload.clone());
  }

  /** The binary form, to propose. */
  public byte[] encode() {
    ByteBuffer buffer = ByteBuffer.allocate(headerOf(kind) + payload.length);
    buffer.put(MAGIC).put(VERSION).put((byte) (kind.ordinal() + 1)).putLong(timeMillis).putLong(clientId);
    if (kind == Kind.REGISTER) {
      buffer.putLong(sequence);
    } else if (kind == Kind.COMMAND) {
      buffer.putLong(sequence).putLong(acknowledgedBelow).put(payload);
    }
    return buffer.array();
  }

  /**
   * Reads the binary form.
   *
   * @throws IllegalArgumentException if {@code bytes} are not a session command of this version
   */
  public static SessionEnvelope decode(byte[] bytes) {
    if (bytes.length < HEADER || bytes[0] != MAGIC) {
      throw new IllegalArgumentException("not a session command: " + bytes.length + " bytes"
          + (bytes.length == 0 ? "" : ", starting with 0x" + Integer.toHexString(bytes[0] & 0xFF)));
    }
    if (bytes[1] != VERSION) {
      throw new IllegalArgumentException("session command version " + bytes[1] + ", this build reads " + VERSION);
    }
    int kindCode = bytes[2];
    if (kindCode < 1 || kindCode > Kind.values().length) {
      throw new IllegalArgumentException("unknown session command kind " + kindCode);
    }
    Kind kind = Kind.values()[kindCode - 1];
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 3, bytes.length - 3);
    long time = buffer.getLong();
    long clientId = buffer.getLong();
    if (kind != Kind.COMMAND) {
      if (bytes.length != headerOf(kind)) {
        throw new IllegalArgumentException(kind + " of " + bytes.length + " bytes, not " + headerOf(kind));
      }
      return new SessionEnvelope(kind, time, clientId, kind == Kind.REGISTER ? buffer.getLong() : 0, 0, new byte[0]);
    }
    if (bytes.length < COMMAND_HEADER) {
      throw new IllegalArgumentException("a session command of " + bytes.length + " bytes, shorter than its header");
    }
    long sequence = buffer.getLong();
    long acknowledgedBelow = buffer.getLong();
    return new SessionEnvelope(kind, time, clientId, sequence, acknowledgedBelow,
        Arrays.copyOfRange(bytes, COMMAND_HEADER, bytes.length));
  }

  private static int headerOf(Kind kind) {
    return switch (kind) {
      case REGISTER -> HEADER + 8;
      case COMMAND -> COMMAND_HEADER;
      case CLOSE -> HEADER;
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SessionEnvelope that && kind == that.kind && timeMillis == that.timeMillis
        && clientId == that.clientId && sequence == that.sequence && acknowledgedBelow == that.acknowledgedBelow
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(clientId) + Long.hashCode(sequence) + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "SessionEnvelope[" + kind + " client " + clientId + (kind == Kind.COMMAND ? " #" + sequence
        + " acknowledged below " + acknowledgedBelow + ", " + payload.length + " bytes" : "") + " at " + timeMillis + "]";
  }
}
