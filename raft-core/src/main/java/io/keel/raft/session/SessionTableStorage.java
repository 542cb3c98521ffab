package io.keel.raft.session;

import java.util.function.Consumer;

/**
 * A persistent state machine that keeps, with its own data, the session table of the {@link
 * SessionStateMachine} wrapping it. Without it a wrapper rebuilds its table by replaying the log
 * from the start or restores it from a snapshot, so the wrapped state machine must start empty;
 * with it, the table lives in the same store as the data, and a restart resumes from the state
 * machine's {@link io.keel.raft.StateMachine#appliedIndex() applied index}.
 *
 * <p>The wrapper writes only what changed, from {@link io.keel.raft.StateMachine#flush} and before
 * it passes the flush on; the state machine must put those writes in the same atomic write as
 * the data and applied index that flush writes, so that a crash keeps all of them or none. The
 * records are opaque bytes: store them as given, and hand them back as stored. They are read when
 * the node opens and after every restore from a snapshot, which must therefore carry them.
 */
public interface SessionTableStorage {

  /** The table's own record (its time and counters) as last flushed, or null if none ever was. */
  byte[] sessionTableRecord();

  /** Hands {@code each} every session record as last flushed, in any order. */
  void forEachSessionRecord(Consumer<byte[]> each);

  /** Replaces the table's own record, in the next flush's write. */
  void putSessionTableRecord(byte[] record);

  /** Stores the record of the session of {@code clientId}, replacing its last one, in the next flush's write. */
  void putSessionRecord(long clientId, byte[] record);

  /** Removes the record of the session of {@code clientId}, if stored, in the next flush's write. */
  void deleteSessionRecord(long clientId);
}
