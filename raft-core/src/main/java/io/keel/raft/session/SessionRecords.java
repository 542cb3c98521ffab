package io.keel.raft.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The session table as records in a {@link SessionTableStorage}: one for the table (its time,
 * counters and last activity stamp) and one per session, each headed by a format version. Only the
 * sessions that changed since the last flush are written. Records read back are untrusted bytes
 * from disk, checked as a snapshot's table is: a damaged one fails the load with an
 * {@link IOException} naming what is wrong.
 */
final class SessionRecords {

  private static final byte VERSION = 1;

  private SessionRecords() {}

  /** Writes what changed in {@code table} since the last call into {@code storage}'s next flush. */
  static <R> void flush(SessionTable table, SessionTableStorage storage, ResultCodec<R> codec) {
    Set<Long> changed = table.drainChanged();
    if (changed.isEmpty()) {
      return;
    }
    for (long clientId : changed) {
      SessionTable.Session session = table.get(clientId);
      if (session == null) {
        storage.deleteSessionRecord(clientId);
      } else {
        storage.putSessionRecord(clientId, encode(out -> {
          out.writeLong(session.activity);
          SessionTable.writeSession(session, codec, out);
        }));
      }
    }
    storage.putSessionTableRecord(encode(out -> {
      out.writeLong(table.nowMillis());
      out.writeLong(table.expired());
      out.writeLong(table.evicted());
      out.writeLong(table.activityCounter());
    }));
  }

  /** Replaces {@code table} with what {@code storage} holds. */
  static void load(SessionTable table, SessionTableStorage storage, ResultCodec<?> codec, SessionLimits limits)
      throws IOException {
    byte[] tableRecord = storage.sessionTableRecord();
    List<SessionTable.Session> sessions = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    try {
      storage.forEachSessionRecord(record -> sessions.add(readSession(record, codec, limits, seen)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (tableRecord == null) {
      if (!sessions.isEmpty()) {
        throw new IOException("the store holds " + sessions.size() + " session records and no session table record");
      }
      table.replace(Long.MIN_VALUE, 0, 0, 0, List.of());
      return;
    }
    if (sessions.size() > limits.maxSessions()) {
      throw new IOException("the store holds " + sessions.size() + " sessions, the limit is " + limits.maxSessions());
    }
    DataInputStream in = open(tableRecord, "the session table record");
    long now = in.readLong();
    long expired = in.readLong();
    long evicted = in.readLong();
    long lastActivity = in.readLong();
    for (SessionTable.Session session : sessions) {
      if (session.activity > lastActivity) {
        throw new IOException("session " + session.clientId + " was active at stamp " + session.activity
            + ", after the table's last stamp " + lastActivity);
      }
    }
    table.replace(now, expired, evicted, lastActivity, sessions);
  }

  private static SessionTable.Session readSession(byte[] record, ResultCodec<?> codec, SessionLimits limits,
      Set<Long> seen) {
    try {
      DataInputStream in = open(record, "a session record");
      long activity = in.readLong();
      SessionTable.Session session = SessionTable.readSession(in, codec, limits);
      session.activity = activity;
      if (in.available() > 0) {
        throw new IOException("bytes trail the record of session " + session.clientId);
      }
      if (!seen.add(session.clientId)) {
        throw new IOException("the store holds session " + session.clientId + " twice");
      }
      return session;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DataInputStream open(byte[] record, String what) throws IOException {
    if (record.length == 0 || record[0] != VERSION) {
      throw new IOException(what + " has format version " + (record.length == 0 ? "(none)" : record[0])
          + ", this build reads " + VERSION);
    }
    return new DataInputStream(new ByteArrayInputStream(record, 1, record.length - 1));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] encode(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }
}
