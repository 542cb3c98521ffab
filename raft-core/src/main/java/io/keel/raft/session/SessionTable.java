package io.keel.raft.session;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The replicated session state: each open session, its last activity, and the results it keeps for
 * commands its client has not acknowledged. Time is the highest {@code timeMillis} the log has
 * carried, so every replica expires the same sessions at the same entry. Sessions are kept in order
 * of last activity (time never goes back), so expiry and eviction take them from the front.
 */
final class SessionTable {

  /** A kept result: the value, or the failure the first application threw. */
  record Outcome(Object value, String failureType, String failureMessage) {
    boolean failed() {
      return failureType != null;
    }
  }

  /** One client's session. */
  static final class Session {
    final long clientId;
    long lastActiveMillis;
    /** Where the session stands in the table's order of activity: higher is more recent. */
    long activity;
    /** Sequence -> outcome, for commands applied and not yet acknowledged. */
    final TreeMap<Long, Outcome> results = new TreeMap<>();
    /** Every sequence at or below it that is not in {@link #results} was applied, or may have been. */
    long forgottenUpTo;

    Session(long clientId, long lastActiveMillis) {
      this.clientId = clientId;
      this.lastActiveMillis = lastActiveMillis;
    }
  }

  private final SessionLimits limits;
  private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();
  private long nowMillis = Long.MIN_VALUE;
  private long expired;
  private long evicted;
  /** The last {@link Session#activity} given out. */
  private long activityCounter;
  /** The sessions changed, opened or removed since the last {@link #drainChanged}; null unless tracked. */
  private Set<Long> changed;

  SessionTable(SessionLimits limits) {
    this.limits = limits;
  }

  /** The log carried {@code timeMillis}: time moves to it if later, and idle sessions expire. */
  void advanceTo(long timeMillis) {
    nowMillis = Math.max(nowMillis, timeMillis);
    long timeout = limits.timeout().toMillis();
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      Session session = it.next();
      if (nowMillis - session.lastActiveMillis < timeout) {
        break;
      }
      it.remove();
      markChanged(session.clientId);
      expired++;
    }
  }

  /**
   * Opens {@code clientId}'s session, whose commands are numbered from {@code firstSequence}, or
   * keeps it open; evicts the idlest session if full. A new session counts every earlier number as
   * possibly applied: a client registering again after its session expired cannot have an old
   * command applied in the new session.
   */
  void register(long clientId, long firstSequence) {
    if (touch(clientId) != null) {
      return;
    }
    if (sessions.size() >= limits.maxSessions()) {
      Iterator<Session> idlest = sessions.values().iterator();
      markChanged(idlest.next().clientId);
      idlest.remove();
      evicted++;
    }
    Session session = new Session(clientId, nowMillis);
    session.activity = ++activityCounter;
    session.forgottenUpTo = firstSequence - 1;
    sessions.put(clientId, session);
    markChanged(clientId);
  }

  void close(long clientId) {
    if (sessions.remove(clientId) != null) {
      markChanged(clientId);
    }
  }

  /** The open session of {@code clientId}, now marked active; null if none. */
  Session touch(long clientId) {
    Session session = sessions.remove(clientId);
    if (session != null) {
      session.lastActiveMillis = nowMillis;
      session.activity = ++activityCounter;
      sessions.put(clientId, session);
      markChanged(clientId);
    }
    return session;
  }

  /** Forgets the results the client acknowledged: those of every sequence below {@code acknowledgedBelow}. */
  static void acknowledge(Session session, long acknowledgedBelow) {
    while (!session.results.isEmpty() && session.results.firstKey() < acknowledgedBelow) {
      session.results.pollFirstEntry();
    }
    session.forgottenUpTo = Math.max(session.forgottenUpTo, acknowledgedBelow - 1);
  }

  /** Keeps {@code outcome} of {@code sequence}; discards the oldest kept result beyond the limit. */
  void keep(Session session, long sequence, Outcome outcome) {
    session.results.put(sequence, outcome);
    if (session.results.size() > limits.maxResultsPerSession()) {
      long oldest = session.results.pollFirstEntry().getKey();
      session.forgottenUpTo = Math.max(session.forgottenUpTo, oldest);
    }
  }

  int size() {
    return sessions.size();
  }

  long expired() {
    return expired;
  }

  long evicted() {
    return evicted;
  }

  long nowMillis() {
    return nowMillis;
  }

  long activityCounter() {
    return activityCounter;
  }

  // ---------------------------------------------------------------- changes, for persistent tables

  /**
   * From now on, records which sessions change, so that only those are written to a {@link
   * SessionTableStorage}. A session changes only by {@link #touch} (which every command that keeps
   * or acknowledges a result goes through), {@link #register}, {@link #close}, expiry and eviction.
   */
  void trackChanges() {
    if (changed == null) {
      changed = new LinkedHashSet<>();
    }
  }

  private void markChanged(long clientId) {
    if (changed != null) {
      changed.add(clientId);
    }
  }

  /** The ids of the sessions changed, opened or removed since the last call; empty unless tracked. */
  Set<Long> drainChanged() {
    if (changed == null || changed.isEmpty()) {
      return Set.of();
    }
    Set<Long> drained = changed;
    changed = new LinkedHashSet<>();
    return drained;
  }

  /** The open session of {@code clientId}, unchanged; null if none. */
  Session get(long clientId) {
    return sessions.get(clientId);
  }

  /**
   * Replaces the whole table with stored state: {@code stored} in any order, put in order of their
   * {@link Session#activity}. Forgets the changes not yet drained.
   */
  void replace(long now, long expiredCount, long evictedCount, long lastActivity, List<Session> stored) {
    List<Session> ordered = new ArrayList<>(stored);
    ordered.sort(Comparator.comparingLong(session -> session.activity));
    sessions.clear();
    for (Session session : ordered) {
      sessions.put(session.clientId, session);
    }
    nowMillis = now;
    expired = expiredCount;
    evicted = evictedCount;
    activityCounter = lastActivity;
    if (changed != null) {
      changed.clear();
    }
  }

  // ---------------------------------------------------------------- snapshots

  /** A copy that later applies do not change, for a snapshot taken between two applies. */
  List<Session> copy() {
    List<Session> copy = new ArrayList<>(sessions.size());
    for (Session session : sessions.values()) {
      Session clone = new Session(session.clientId, session.lastActiveMillis);
      clone.results.putAll(session.results);
      clone.forgottenUpTo = session.forgottenUpTo;
      copy.add(clone);
    }
    return copy;
  }

  /** Writes {@code copy} (in activity order) and the time, encoding values with {@code codec}. */
  static <R> void write(long nowMillis, List<Session> copy, ResultCodec<R> codec, DataOutputStream out)
      throws IOException {
    out.writeLong(nowMillis);
    out.writeInt(copy.size());
    for (Session session : copy) {
      writeSession(session, codec, out);
    }
  }

  /** Writes one session: its id, activity time, what it forgot and the results it keeps. */
  static <R> void writeSession(Session session, ResultCodec<R> codec, DataOutputStream out) throws IOException {
    out.writeLong(session.clientId);
    out.writeLong(session.lastActiveMillis);
    out.writeLong(session.forgottenUpTo);
    out.writeInt(session.results.size());
    for (Map.Entry<Long, Outcome> result : session.results.entrySet()) {
      out.writeLong(result.getKey());
      Outcome outcome = result.getValue();
      out.writeBoolean(outcome.failed());
      if (outcome.failed()) {
        out.writeUTF(outcome.failureType());
        out.writeUTF(clip(outcome.failureMessage()));
      } else {
        @SuppressWarnings("unchecked")
        byte[] value = codec.encode((R) outcome.value());
        out.writeInt(value.length);
        out.write(value);
      }
    }
  }

  /** Replaces the table with what {@link #write} wrote, checking every count against the limits. */
  void read(DataInputStream in, ResultCodec<?> codec) throws IOException {
    long now = in.readLong();
    int count = in.readInt();
    if (count < 0 || count > limits.maxSessions()) {
      throw new IOException("a snapshot's session table holds " + count + " sessions, the limit is " + limits.maxSessions());
    }
    LinkedHashMap<Long, Session> read = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      Session session = readSession(in, codec, limits);
      session.activity = i + 1;
      if (read.put(session.clientId, session) != null) {
        throw new IOException("a snapshot's session table holds session " + session.clientId + " twice");
      }
    }
    sessions.clear();
    sessions.putAll(read);
    nowMillis = now;
    activityCounter = count;
  }

  /** Reads one session as {@link #writeSession} wrote it, checking its counts against {@code limits}. */
  static Session readSession(DataInputStream in, ResultCodec<?> codec, SessionLimits limits) throws IOException {
    Session session = new Session(in.readLong(), in.readLong());
    session.forgottenUpTo = in.readLong();
    int results = in.readInt();
    if (results < 0 || results > limits.maxResultsPerSession()) {
      throw new IOException("session " + session.clientId + " keeps " + results + " results, the limit is "
          + limits.maxResultsPerSession());
    }
    for (int r = 0; r < results; r++) {
      long sequence = in.readLong();
      session.results.put(sequence, in.readBoolean() ? new Outcome(null, in.readUTF(), in.readUTF())
          : new Outcome(decode(in, codec), null, null));
    }
    return session;
  }

  private static Object decode(DataInputStream in, ResultCodec<?> codec) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 64 * 1024 * 1024) {
      throw new IOException("a kept result of " + length + " bytes");
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new IOException("the snapshot ends inside a kept result");
    }
    try {
      return codec.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException("a kept result does not decode: " + e.getMessage(), e);
    }
  }

  /** writeUTF takes at most 65,535 bytes; a message is cut well below that. */
  private static String clip(String message) {
    String text = message == null ? "" : message;
    return text.length() > 8_000 ? text.substring(0, 8_000) : text;
  }
}
