package io.keel.sim;

import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import io.keel.sim.EventQueue.Event;
import io.keel.sim.EventQueue.Kind;
import io.keel.sim.check.Violation;
import io.keel.sim.trace.JsonWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Records a run as the elements of the JSON trace's {@code events} array (format
 * {@code keel-sim-trace}, version 1; every kind and field is in {@code docs/simulator.md}): each
 * message sent, delivered, lost or duplicated; each change of a node's role, term, vote, log, commit
 * and applied index, snapshots and configuration; each fault; and the violation that ends a failing
 * run. Only events in the {@link Window} are written, at most {@code maxEvents} of them after the
 * first ones, which say where every node stood as the window opened ({@code init}) and which
 * links were cut.
 * Given to {@link Simulation#recordTrace}; it reads the nodes and never changes the run.
 */
public final class TraceRecorder {

  /**
   * The part of a run to record: the events from {@code fromNanos} to {@code untilNanos} of
   * simulated time, inclusive, and at most {@code maxEvents} of them (the window ends early then).
   */
  public record Window(long fromNanos, long untilNanos, long maxEvents) {
    /** Checks that the window is not empty. */
    public Window {
      if (fromNanos < 0 || untilNanos < fromNanos || maxEvents < 1) {
        throw new IllegalArgumentException("an empty trace window: from " + fromNanos + " ns until " + untilNanos
            + " ns, at most " + maxEvents + " events");
      }
    }

    /** The whole run. */
    public static Window all() {
      return new Window(0, Long.MAX_VALUE, Long.MAX_VALUE);
    }
  }

  /** Every kind of event the trace holds, as {@code docs/simulator.md} lists them. */
  public static final List<String> KINDS = List.of("init", "send", "deliver", "drop", "duplicate", "role", "vote",
      "append", "commit", "apply", "snapshot", "install", "membership", "crash", "restart", "pause", "resume",
      "clock-jump", "slow-disk", "disk-error", "partition", "heal", "fault", "note", "violation");

  /** The longest a message's text runs in a {@code send} event. */
  static final int MESSAGE_TEXT_MAX_CHARS = 240;

  /** The kinds of event that happen at a node, whose {@code node} field names it. */
  private static final Set<Kind> NODE_EVENTS =
      EnumSet.of(Kind.DELIVER, Kind.TIMER, Kind.DISK, Kind.PROPOSE, Kind.APPLY, Kind.SNAPSHOT, Kind.RESUME, Kind.READ);

  /** A message the network took while a node handled an event: written after that node's own changes. */
  private record Sent(String kind, long id, int from, int to, Message message) {}

  private final Window window;
  private final JsonWriter json;
  private final List<Sent> pending = new ArrayList<>();
  private final Map<NodeId, Integer> numbers = new HashMap<>();
  private List<? extends SimulatedNode<?>> nodes = List.of();
  private TracedNode[] traced = new TracedNode[0];
  private Partition partition;
  private Event current;
  private long nowNanos;
  private boolean open;
  private boolean pastUntil;
  private boolean truncated;
  private long written;
  /** How many of the events written say where the nodes stood as the window opened: not counted against its limit. */
  private long opening;
  private long violationEvent = -1;
  private long[] times;

  /** Writes the window's events to {@code json}, an array the caller has opened, one line each. */
  public TraceRecorder(Window window, JsonWriter json) {
    this.window = Objects.requireNonNull(window, "window");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** Also keeps each written event's simulated time ({@link #eventTimes}). */
  public TraceRecorder keepingEventTimes() {
    times = new long[1024];
    return this;
  }

  /** How many events were written. */
  public long written() {
    return written;
  }

  /** Whether the window ended early, at {@code maxEvents}. */
  public boolean truncated() {
    return truncated;
  }

  /** The position in the events array of the violation that ended the run, or -1 if none was written. */
  public long violationEvent() {
    return violationEvent;
  }

  /** The simulated time of each event written, in order, if {@link #keepingEventTimes} was asked for. */
  public long[] eventTimes() {
    return times == null ? new long[0] : Arrays.copyOf(times, (int) written);
  }

  /** Writes what is still held back: call once the run has ended. */
  public void finish() {
    flushPending();
  }

  TraceRecorder attach(List<? extends SimulatedNode<?>> simulatedNodes) {
    this.nodes = simulatedNodes;
    this.traced = new TracedNode[simulatedNodes.size() + 1];
    for (SimulatedNode<?> node : simulatedNodes) {
      numbers.put(node.id(), node.number());
      traced[node.number()] = new TracedNode(node.number());
    }
    this.partition = Partition.none(simulatedNodes.size());
    return this;
  }

  void processing(Event event) {
    flushPending();
    current = event;
    nowNanos = event.timeNanos;
    if (!open && nowNanos >= window.fromNanos()) {
      open = true;
      nowNanos = window.fromNanos(); // where every node stood as the window opened
      for (int number = 1; number < traced.length; number++) {
        traced[number].init(this);
      }
      if (!partition.isNone()) {
        writePartition();
      }
      opening = written;
      nowNanos = event.timeNanos;
    }
    pastUntil = nowNanos > window.untilNanos();
  }

  void node(SimulatedNode<?> node, Event event) {
    TracedNode state = traced[node.number()];
    if (event != null && event.kind == Kind.DELIVER) {
      Message message = (Message) event.payload;
      event("deliver").field("id", event.argument).field("from", numberOf(message)).field("to", node.number())
          .field("type", type(message)).endObject();
    }
    if (event != null && event.kind == Kind.RESUME && state.paused) {
      state.paused = false;
      event("resume").field("node", node.number()).endObject();
    }
    state.update(node, this);
    flushPending();
  }

  void lost(Event event, String reason) {
    Message message = (Message) event.payload;
    event("drop").field("id", event.argument).field("from", numberOf(message)).field("to", event.node)
        .field("type", type(message)).field("reason", reason).endObject();
  }

  void sent(long id, int from, int to, Message message, boolean lost) {
    pending.add(new Sent("send", id, from, to, message));
    if (lost) {
      pending.add(new Sent("drop", id, from, to, message));
    }
  }

  void duplicated(long id, int from, int to, Message message) {
    pending.add(new Sent("duplicate", id, from, to, message));
  }

  void partitioned(Partition newPartition) {
    if (!newPartition.equals(partition)) {
      partition = newPartition;
      writePartition();
    }
  }

  void fault(Fault fault) {
    String text = fault.describe();
    if (fault instanceof Fault.Crash || fault instanceof Fault.Restart || fault instanceof Fault.Cut) {
      return; // written as what they do: a crash, a restart, a partition (or nothing, if nothing changes)
    }
    if (fault instanceof Fault.Pause pause) {
      if (!nodes.get(pause.node() - 1).isCrashed()) {
        traced[pause.node()].paused = true;
        event("pause").field("node", pause.node()).field("untilNanos", nowNanos + pause.duration().toNanos())
            .field("text", text).endObject();
      }
    } else if (fault instanceof Fault.ClockJump jump) {
      event("clock-jump").field("node", jump.node()).field("amountNanos", jump.amount().toNanos())
          .field("text", text).endObject();
    } else if (fault instanceof Fault.SlowDisk slow) {
      event("slow-disk").field("node", slow.node()).field("untilNanos", nowNanos + slow.duration().toNanos())
          .field("text", text).endObject();
    } else if (fault instanceof Fault.DiskError error) {
      event("disk-error").field("node", error.node()).field("text", text).endObject();
    } else if (fault instanceof Fault.Heal) {
      event("heal").field("text", text).endObject();
    } else {
      event("fault").field("text", text).endObject();
    }
  }

  void note(String text) {
    event("note").field("text", text).endObject();
  }

  void crashed(SimulatedNode<?> node) {
    TracedNode state = traced[node.number()];
    state.down = true;
    state.paused = false;
    event("crash").field("node", node.number()).endObject();
  }

  void violation(long atNanos, Violation violation) {
    flushPending();
    nowNanos = atNanos;
    if (!open || atNanos > window.untilNanos()) {
      return;
    }
    violationEvent = written;
    JsonWriter event = beginEvent("violation");
    if (current != null && current.timeNanos == atNanos && NODE_EVENTS.contains(current.kind)) {
      event.field("node", current.node);
    }
    event.field("property", violation.property()).field("message", violation.getMessage())
        .field("livelock", violation.isLivelock()).endObject();
  }

  /**
   * Begins an event of {@code kind} at the current time, its {@code t} and {@code kind} written:
   * the caller adds its fields and ends the object. Outside the window the event goes nowhere.
   */
  JsonWriter event(String kind) {
    if (!open || pastUntil) {
      return new JsonWriter(Writer.nullWriter()).beginObject();
    }
    if (written - opening >= window.maxEvents()) {
      truncated = true;
      return new JsonWriter(Writer.nullWriter()).beginObject();
    }
    return beginEvent(kind);
  }

  private JsonWriter beginEvent(String kind) {
    if (times != null) {
      if (written == times.length) {
        times = Arrays.copyOf(times, times.length * 2);
      }
      times[(int) written] = nowNanos;
    }
    written++;
    return json.newline().beginObject().field("t", nowNanos).field("kind", kind);
  }

  private void flushPending() {
    for (Sent sent : pending) {
      JsonWriter event = event(sent.kind()).field("id", sent.id()).field("from", sent.from()).field("to", sent.to())
          .field("type", type(sent.message()));
      if (sent.kind().equals("send")) {
        String text = sent.message().toString();
        event.field("term", sent.message().term()).field("text",
            text.length() <= MESSAGE_TEXT_MAX_CHARS ? text : text.substring(0, MESSAGE_TEXT_MAX_CHARS) + "...");
      } else if (sent.kind().equals("drop")) {
        event.field("reason", "loss");
      }
      event.endObject();
    }
    pending.clear();
  }

  private void writePartition() {
    JsonWriter event = event("partition").field("text", partition.describe()).name("cuts").beginArray();
    for (int from = 1; from <= partition.nodes(); from++) {
      for (int to = 1; to <= partition.nodes(); to++) {
        if (from != to && !partition.reaches(from, to)) {
          event.beginArray().value(from).value(to).endArray();
        }
      }
    }
    event.endArray().endObject();
  }

  private int numberOf(Message message) {
    return numbers.getOrDefault(message.from(), 0);
  }

  private static String type(Message message) {
    return message.getClass().getSimpleName();
  }
}
