package io.keel.raft.session;

import java.util.Objects;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A client's side of a session (Raft thesis §6.3): it numbers the client's commands and remembers
 * which are still unanswered, so that a command retried after an unknown outcome (a timeout, a
 * {@link io.keel.raft.LeadershipLostException}) carries the same number and is applied once. Build
 * each proposal with it on the node that proposes: the envelope carries that node's clock, and
 * only a leader appends it. Not thread-safe: one client, one thread at a time.
 *
 * <pre>{@code
 * ClientSession session = new ClientSession(clientId, System::currentTimeMillis);
 * group.propose(session.register()).get();
 * ClientSession.Command put = session.command(bytes);
 * R result = group.propose(put.encode()).get();      // on an unknown outcome: propose put.retry()
 * session.answered(put);
 * }</pre>
 */
public final class ClientSession {

  /** One numbered command; {@link #retry()} encodes it again with a fresh time. */
  public final class Command {
    private final long sequence;
    private final byte[] payload;
    private final byte[] first;

    private Command(long sequence, byte[] payload) {
      this.sequence = sequence;
      this.payload = payload.clone();
      this.first = envelope();
    }

    /** The command's number within the session. */
    public long sequence() {
      return sequence;
    }

    /** The bytes to propose the first time. */
    public byte[] encode() {
      return first.clone();
    }

    /** The bytes to propose again after an unknown outcome: the same number, the time now. */
    public byte[] retry() {
      return envelope();
    }

    private byte[] envelope() {
      return SessionEnvelope.command(clientId, sequence, acknowledgedBelow(), clock.getAsLong(), payload).encode();
    }
  }

  private final long clientId;
  private final LongSupplier clock;
  private long nextSequence = 1;
  private final TreeSet<Long> unanswered = new TreeSet<>();

  /**
   * The session of {@code clientId}, which must be unique among the group's clients (draw it from a
   * {@link java.security.SecureRandom}: two clients with one id would share a session); proposals
   * carry {@code clockMillis}, the proposing node's clock in milliseconds.
   */
  public ClientSession(long clientId, LongSupplier clockMillis) {
    if (clientId == 0) {
      throw new IllegalArgumentException("client id 0 is reserved");
    }
    this.clientId = clientId;
    this.clock = Objects.requireNonNull(clockMillis, "clockMillis");
  }

  /** The client's id. */
  public long clientId() {
    return clientId;
  }

  /**
   * The bytes that register the session; proposing them again is harmless. After the session
   * expired ({@link SessionException.Reason#UNKNOWN_SESSION}), registering again opens a new
   * session that refuses every command numbered before this call: their outcomes stay unknown,
   * but none of them can be applied after this.
   */
  public byte[] register() {
    return SessionEnvelope.register(clientId, nextSequence, clock.getAsLong()).encode();
  }

  /** The bytes that close the session, forgetting its kept results. */
  public byte[] close() {
    return SessionEnvelope.close(clientId, clock.getAsLong()).encode();
  }

  /** Numbers {@code payload} as the session's next command. */
  public Command command(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    long sequence = nextSequence++;
    unanswered.add(sequence); // before the envelope, which says that the client lacks this answer
    return new Command(sequence, payload);
  }

  /**
   * The client has {@code command}'s answer (its result, or a failure that says it was applied):
   * the group may forget the result once a later command tells it so.
   */
  public void answered(Command command) {
    unanswered.remove(command.sequence);
  }

  /**
   * How many numbers the session has given out from its oldest unanswered command on: 0 when every
   * command is answered. The group keeps the results of that span, up to
   * {@link SessionLimits#maxResultsPerSession()}; a client that keeps it well below the limit never
   * finds the result of a command it is still retrying forgotten.
   */
  public long unansweredSpan() {
    return nextSequence - acknowledgedBelow();
  }

  /** The lowest number not yet answered: the group may forget every result below it. */
  long acknowledgedBelow() {
    return unanswered.isEmpty() ? nextSequence : unanswered.first();
  }
}
