package io.keel.sim;

import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.sim.EventQueue.Event;
import io.keel.sim.check.Violation;
import java.util.function.Consumer;

/**
 * The run's event trace: a hash of every event and of the state it left its node in, always kept,
 * so that two runs of one seed can be compared; when a sink is given, one readable line per event
 * (a replay's full trace); and when a {@link TraceRecorder} is given, every event as structured data
 * (the JSON trace). The hash does not depend on whether either is given.
 */
final class Trace {

  private Consumer<String> sink;
  private TraceRecorder recorder;
  private long hash = 0x243F6A8885A308D3L;

  void sink(Consumer<String> newSink) {
    this.sink = newSink;
  }

  void recorder(TraceRecorder newRecorder) {
    this.recorder = newRecorder;
  }

  long hash() {
    return hash;
  }

  /** The event loop takes {@code event} next. */
  void processing(Event event) {
    if (recorder != null) {
      recorder.processing(event);
    }
  }

  /** A node event ({@code event} null for a node's start or an action of the nemesis) and the state it left the node in. */
  void node(long nowNanos, SimulatedNode<?> node, Event event) {
    RaftNode<?> raft = node.raft();
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
      sink.accept(String.format("%14s n%d %s -> %s", Durations.formatNanos(nowNanos), node.number(), what, raft));
    }
    if (recorder != null) {
      recorder.node(node, event);
    }
  }

  /** A message {@code event} arrived at a link the partition cuts. */
  void lostToPartition(long nowNanos, Event event) {
    line(nowNanos, event.node, "lost (partition) ", (Message) event.payload);
    if (recorder != null) {
      recorder.lost(event, "partition");
    }
  }

  /** An event arrived for a node that is down: a message among them is lost (no line, as before). */
  void lostToCrash(Event event) {
    if (recorder != null && event.kind == EventQueue.Kind.DELIVER) {
      recorder.lost(event, "down");
    }
  }

  /** A scheduled fault strikes. */
  void fault(long nowNanos, Fault fault) {
    line(nowNanos, 0, fault.describe(), null);
    if (recorder != null) {
      recorder.fault(fault);
    }
  }

  /** What the nemesis did or saw, in words. */
  void note(long nowNanos, String text) {
    line(nowNanos, 0, text, null);
    if (recorder != null) {
      recorder.note(text);
    }
  }

  /** The node crashed. */
  void crashed(SimulatedNode<?> node) {
    if (recorder != null) {
      recorder.crashed(node);
    }
  }

  /** The run ends on {@code violation}. */
  void violation(long nowNanos, Violation violation) {
    if (recorder != null) {
      recorder.violation(nowNanos, violation);
    }
  }

  /** The network took message {@code id}: it will arrive, or was {@code lost} at once (loss). */
  void sent(long id, int from, int to, Message message, boolean lost) {
    if (recorder != null) {
      recorder.sent(id, from, to, message, lost);
    }
  }

  /** The network will deliver message {@code id} a second time. */
  void duplicated(long id, int from, int to, Message message) {
    if (recorder != null) {
      recorder.duplicated(id, from, to, message);
    }
  }

  /** The network's links became {@code partition}'s. */
  void partitioned(Partition partition) {
    if (recorder != null) {
      recorder.partitioned(partition);
    }
  }

  /** Something that touched no node's state: a fault, or a message lost to a partition. */
  private void line(long nowNanos, int node, String what, Message message) {
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
