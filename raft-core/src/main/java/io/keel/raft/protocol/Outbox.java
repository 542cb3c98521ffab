package io.keel.raft.protocol;

import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.Transport;
import io.keel.raft.message.Message;
import java.util.ArrayDeque;

/**
 * Holds back outgoing messages until the hard state they were produced under is durable: a vote,
 * or anything said in a new term, must survive a crash before anyone hears it (Raft paper,
 * Figure 2; thesis §3.8). In the steady state nothing is held and messages go straight out.
 */
final class Outbox {

  private record Held(NodeId to, Message message, HardState requires) {}

  private final Transport transport;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private HardState durable;

  Outbox(Transport transport, HardState durable) {
    this.transport = transport;
    this.durable = durable;
  }

  HardState durable() {
    return durable;
  }

  /** Sends {@code message} once {@code requires} is durable; in order with earlier messages. */
  void send(NodeId to, Message message, HardState requires) {
    if (held.isEmpty() && durable.covers(requires)) {
      transport.send(to, message);
    } else {
      held.add(new Held(to, message, requires));
    }
  }

  /** {@code state} is durable: release what waited for it. */
  void onDurable(HardState state) {
    if (state.covers(durable)) {
      durable = state;
    }
    while (!held.isEmpty() && durable.covers(held.peekFirst().requires())) {
      Held next = held.pollFirst();
      transport.send(next.to(), next.message());
    }
  }
}
