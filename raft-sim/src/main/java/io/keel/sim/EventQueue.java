package io.keel.sim;

import java.util.Arrays;

/**
 * The simulation's one event queue: events in order of simulated time, ties broken by the order in
 * which they were scheduled, so that a run is a pure function of its seed. A binary heap of events.
 */
final class EventQueue {

  /** What an event does. */
  enum Kind { DELIVER, TIMER, DISK, PROPOSE, CLIENT_SEND, CLIENT_REPLY, CLIENT_TIMEOUT, FAULT, RESUME, LIVENESS,
    RELEASE, APPLY, SNAPSHOT, READER, READ, READER_REPLY, READER_TIMEOUT }

  /** One scheduled event; {@code node} is a node number (from 1) or a client number, by kind. */
  static final class Event {
    final long timeNanos;
    final long sequence;
    final Kind kind;
    final int node;
    final Object payload;
    final long argument;

    Event(long timeNanos, long sequence, Kind kind, int node, Object payload, long argument) {
      this.timeNanos = timeNanos;
      this.sequence = sequence;
      this.kind = kind;
      this.node = node;
      this.payload = payload;
      this.argument = argument;
    }

    boolean before(Event other) {
      return timeNanos != other.timeNanos ? timeNanos < other.timeNanos : sequence < other.sequence;
    }
  }

  private Event[] heap = new Event[1024];
  private int size;
  private long sequence;

  /** Schedules an event; events at the same time run in the order they were scheduled. */
  void schedule(long timeNanos, Kind kind, int node, Object payload, long argument) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    Event event = new Event(timeNanos, sequence++, kind, node, payload, argument);
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!event.before(heap[parent])) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = event;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The earliest event, without removing it. */
  Event peek() {
    return heap[0];
  }

  /** Removes and returns the earliest event. */
  Event poll() {
    Event first = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && heap[child + 1].before(heap[child])) {
          child++;
        }
        if (!heap[child].before(last)) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return first;
  }

  int size() {
    return size;
  }
}
