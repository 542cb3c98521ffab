package io.keel.raft.runtime;

import io.keel.raft.StateMachine;
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

  synchronized List<String> applied() {
    return List.copyOf(applied);
  }

  synchronized int size() {
    return applied.size();
  }
}
