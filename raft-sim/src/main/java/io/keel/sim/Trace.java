package io.keel.sim;

import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.sim.EventQueue.Event;
import java.util.function.Consumer;

/**
 * The run's event trace: a hash of every event and of the state it left its node in, always kept,
 * so that two runs of one seed can be compared; and, when a sink is given, one readable line per
 * event (a replay's full trace).
 */
final class Trace {

  private Consumer<String> sink;
  private long hash = 0x243F6A8885A308D3L;

  void sink(Consumer<String> newSink) {
    this.sink = newSink;
  }

  long hash() {
    return hash;
  }

  /** A node event ({@code event} null for a node's start) and the state it left the node in. */
  void node(long nowNanos, int number, Event event, RaftNode<?> raft) {
    long h = mix(hash ^ nowNanos);
    if (event != null) {
      h = mix(h ^ event.kind.ordinal() ^ (long) event.node << 8);
      if (event.payload instanceof Message message) {
        h = mix(h ^ message.getClass().getSimpleName().hashCode() ^ message.term() << 16);
      }
    }
    h = mix(h ^ raft.role().ordinal() ^ raft.currentTerm() << 8);
    hash = mix(h ^ raft.commitIndex() ^ raft.lastLogIndex() << 32);
    if (sink != null) {
      String what = event == null ? "start" : switch (event.kind) {
        case DELIVER -> "receive " + event.payload;
        case TIMER -> "timer";
        case DISK -> "fsync done";
        case PROPOSE -> "propose attempt " + ((Clients.Attempt) event.payload).id();
        case RESUME -> "resume";
        default -> event.kind.toString();
      };
      sink.accept(String.format("%14s n%d %s -> %s", Durations.formatNanos(nowNanos), number, what, raft));
    }
  }

  /** Something that touched no node's state: a fault, or a message lost to a partition. */
  void line(long nowNanos, int node, String what, Message message) {
    hash = mix(hash ^ nowNanos ^ what.hashCode() ^ (long) node << 40);
    if (sink != null) {
      sink.accept(String.format("%14s %s %s%s", Durations.formatNanos(nowNanos), node == 0 ? "--" : "n" + node, what,
          message == null ? "" : message.toString()));
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
