package io.keel.raft.session;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Wraps a state machine so that each client's commands apply once (Raft thesis §6.3). Every
 * command in the log is a {@link SessionEnvelope}: a client registers, then numbers its commands;
 * the wrapper applies a command the first time its number arrives, keeps the result until the
 * client acknowledges it, and answers a retry of the same number with the kept result, even after
 * a leader change, a restart or a snapshot install, since the session table is part of every
 * snapshot. A command of a session never registered, expired or evicted fails with
 * {@link SessionException} (every replica alike), and so does a retry whose result was discarded.
 *
 * <p>Time comes from the log: each envelope carries the clock of the node that proposed it, which
 * must lead to append it, and the table's time is the highest such time applied so far, so that
 * sessions expire at the same entry on every replica. A node whose clock runs ahead expires idle
 * sessions early, never late; none of this depends on any replica's clock when it applies.
 *
 * <p>Where the table lives depends on the wrapped state machine. By default it lives in memory:
 * it is rebuilt by replaying the log or restored from a snapshot (where it precedes the wrapped
 * state machine's own bytes), so the wrapped state machine must start empty on every open
 * ({@link StateMachine#appliedIndex()} 0). A persistent state machine that implements {@link
 * SessionTableStorage} keeps the table with its data instead: each {@link #flush} writes the
 * sessions that changed into the same atomic write, the table is read back when the node opens
 * and after each restore, and snapshots are the wrapped state machine's alone. Memory is bounded
 * by {@link SessionLimits}.
 *
 * @param <R> the wrapped state machine's result type
 */
public final class SessionStateMachine<R> implements StateMachine<R> {

  private static final int SNAPSHOT_VERSION = 1;

  private final StateMachine<R> inner;
  private final ResultCodec<R> codec;
  private final SessionTable table;
  private final SessionLimits limits;
  /** The wrapped state machine, if it keeps the table; null if the table lives in memory. */
  private final SessionTableStorage storage;
  private long duplicates;

  /** Wraps {@code inner}, keeping results as {@code codec} writes them, within {@code limits}. */
  public SessionStateMachine(StateMachine<R> inner, ResultCodec<R> codec, SessionLimits limits) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.table = new SessionTable(limits);
    this.storage = inner instanceof SessionTableStorage persistent ? persistent : null;
    if (storage != null) {
      table.trackChanges();
    }
  }

  /**
   * Applies one session command: registers, closes, or applies a numbered command once.
   *
   * @throws SessionException if the session is unknown, or the command's result was discarded
   * @throws IllegalArgumentException if {@code command} is no session command
   */
  @Override
  public R apply(long index, byte[] command) {
    SessionEnvelope envelope = SessionEnvelope.decode(command);
    table.advanceTo(envelope.timeMillis());
    switch (envelope.kind()) {
      case REGISTER -> {
        table.register(envelope.clientId(), envelope.sequence());
        return null;
      }
      case CLOSE -> {
        table.close(envelope.clientId());
        return null;
      }
      default -> {
        return applyOnce(index, envelope);
      }
    }
  }

  private R applyOnce(long index, SessionEnvelope envelope) {
    long clientId = envelope.clientId();
    SessionTable.Session session = table.touch(clientId);
    if (session == null) {
      throw new SessionException(SessionException.Reason.UNKNOWN_SESSION, clientId, "session " + clientId
          + " is unknown: never registered, idle longer than " + limits.timeout().toMillis()
          + " ms, or evicted to keep at most " + limits.maxSessions() + " sessions");
    }
    SessionTable.acknowledge(session, envelope.acknowledgedBelow());
    long sequence = envelope.sequence();
    SessionTable.Outcome kept = session.results.get(sequence);
    if (kept != null) {
      duplicates++;
      return answer(kept);
    }
    if (sequence <= session.forgottenUpTo) {
      throw new SessionException(SessionException.Reason.RESULT_DISCARDED, clientId, "command " + sequence
          + " of session " + clientId + " may have been applied, and its result is no longer kept");
    }
    try {
      R result = inner.apply(index, envelope.payload());
      table.keep(session, sequence, new SessionTable.Outcome(result, null, null));
      return result;
    } catch (RuntimeException e) {
      table.keep(session, sequence, new SessionTable.Outcome(null, e.getClass().getName(), e.getMessage()));
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private R answer(SessionTable.Outcome kept) {
    if (kept.failed()) {
      throw new SessionCommandFailedException(kept.failureType(), kept.failureMessage());
    }
    return (R) kept.value();
  }

  /**
   * The wrapped state machine's applied index. With a table in memory that is always 0, and it is
   * checked; with a {@link SessionTableStorage}, the table is read from it here.
   *
   * @throws IllegalStateException if a state machine without a stored table reports an applied
   *     index (the table would not be rebuilt for the entries it skips)
   * @throws java.io.UncheckedIOException if the stored table is damaged
   */
  @Override
  public long appliedIndex() {
    long applied = inner.appliedIndex();
    if (storage != null) {
      loadTable();
      return applied;
    }
    if (applied != 0) {
      throw new IllegalStateException("a SessionStateMachine needs a state machine that starts empty, and "
          + inner.getClass().getName() + " reports applied index " + applied);
    }
    return 0;
  }

  /** Writes the sessions changed since the last flush into the wrapped state machine's write, then flushes it. */
  @Override
  public void flush(long lastIndex) {
    if (storage != null) {
      SessionRecords.flush(table, storage, codec);
    }
    inner.flush(lastIndex);
  }

  /**
   * The session table and the wrapped state machine's view; null if the wrapped one takes no
   * snapshots. With a stored table, the wrapped state machine's view alone, which holds it.
   */
  @Override
  public StateMachineSnapshot snapshot() {
    StateMachineSnapshot view = inner.snapshot();
    if (view == null || storage != null) {
      return view;
    }
    long now = table.nowMillis();
    List<SessionTable.Session> sessions = table.copy();
    return new StateMachineSnapshot() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(SNAPSHOT_VERSION);
        SessionTable.write(now, sessions, codec, data);
        data.flush();
        view.writeTo(out);
      }

      @Override
      public void close() {
        view.close();
      }
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    if (storage != null) {
      inner.restore(lastIndex, in);
      reloadTable();
      return;
    }
    DataInputStream data = new DataInputStream(in instanceof BufferedInputStream ? in : new BufferedInputStream(in));
    int version = data.readInt();
    if (version != SNAPSHOT_VERSION) {
      throw new IOException("session snapshot version " + version + ", this build reads " + SNAPSHOT_VERSION);
    }
    table.read(data, codec);
    inner.restore(lastIndex, data);
  }

  /** With a stored table, restores the wrapped state machine from the directory and reads the table back. */
  @Override
  public boolean restoreFromDirectory(long lastIndex, Path directory) throws IOException {
    if (storage == null || !inner.restoreFromDirectory(lastIndex, directory)) {
      return false;
    }
    reloadTable();
    return true;
  }

  private void loadTable() {
    try {
      reloadTable();
    } catch (IOException e) {
      throw new UncheckedIOException("the stored session table is damaged: " + e.getMessage(), e);
    }
  }

  private void reloadTable() throws IOException {
    SessionRecords.load(table, storage, codec, limits);
  }

  /** The wrapped state machine, to query: a linearizable read reads it once the read index is applied. */
  public StateMachine<R> inner() {
    return inner;
  }

  /** How many sessions are open. */
  public int sessions() {
    return table.size();
  }

  /** How many retried commands were answered from a kept result instead of being applied again. */
  public long duplicatesAnswered() {
    return duplicates;
  }

  /** How many sessions expired after their timeout without commands. */
  public long sessionsExpired() {
    return table.expired();
  }

  /** How many sessions were evicted because the table was full. */
  public long sessionsEvicted() {
    return table.evicted();
  }
}
