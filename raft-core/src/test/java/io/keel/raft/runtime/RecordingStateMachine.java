package io.keel.raft.runtime;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what it applies, in order; returns the command as text. Thread-safe to read. A
 * persistent one keeps its state when its node restarts and says how far it got.
 */
final class RecordingStateMachine implements StateMachine<String> {

  private final List<String> applied = new ArrayList<>();
  private final boolean persistent;
  private long lastIndex;
  private int snapshotsTaken;
  private int restored;
  /** The index of each {@link #flush}, in order. */
  private final List<Long> flushes = new ArrayList<>();
  /** Set if a snapshot was asked for with applied entries not yet flushed. */
  private boolean snapshotBeforeFlush;

  RecordingStateMachine() {
    this(false);
  }

  RecordingStateMachine(boolean persistent) {
    this.persistent = persistent;
  }

  @Override
  public synchronized long appliedIndex() {
    return persistent ? lastIndex : 0;
  }

  @Override
  public synchronized String apply(long index, byte[] command) {
    if (index <= lastIndex) {
      throw new AssertionError("applied " + index + " after " + lastIndex);
    }
    lastIndex = index;
    String text = new String(command, StandardCharsets.UTF_8);
    applied.add(text);
    return text;
  }

  @Override
  public synchronized void flush(long lastIndex) {
    flushes.add(lastIndex);
  }

  /** A copy of what it applied, and the index it got to; written as one line of text per command. */
  @Override
  public synchronized StateMachineSnapshot snapshot() {
    if (flushes.isEmpty() || flushes.get(flushes.size() - 1) < lastIndex) {
      snapshotBeforeFlush = true;
    }
    List<String> copy = List.copyOf(applied);
    long index = lastIndex;
    snapshotsTaken++;
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(index);
      data.writeInt(copy.size());
      for (String command : copy) {
        data.writeUTF(command);
      }
      data.flush();
    };
  }

  @Override
  public synchronized void restore(long lastIndex, InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    long index = data.readLong();
    if (index != lastIndex) {
      throw new IOException("the snapshot holds index " + index + ", Keel says " + lastIndex);
    }
    applied.clear();
    for (int i = data.readInt(); i > 0; i--) {
      applied.add(data.readUTF());
    }
    this.lastIndex = index;
    restored++;
  }

  synchronized int snapshotsTaken() {
    return snapshotsTaken;
  }

  synchronized List<Long> flushes() {
    return List.copyOf(flushes);
  }

  synchronized boolean snapshotBeforeFlush() {
    return snapshotBeforeFlush;
  }

  synchronized int restored() {
    return restored;
  }

  synchronized List<String> applied() {
    return List.copyOf(applied);
  }

  synchronized int size() {
    return applied.size();
  }
}
