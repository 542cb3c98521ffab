package io.keel.transport.netty;

import io.keel.raft.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A state machine that records the commands it applies, in order, and returns each as text. */
final class Recorder implements StateMachine<String> {

  private final List<String> applied = new ArrayList<>();

  @Override
  public synchronized String apply(long index, byte[] command) {
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
