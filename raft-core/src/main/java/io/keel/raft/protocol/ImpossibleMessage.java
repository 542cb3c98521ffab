package io.keel.raft.protocol;

import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import java.util.Objects;

/**
 * A well-formed message that no correct peer could have sent to this node now: a second leader in
 * a term, an acknowledgement of entries never sent, entries contradicting what this node knows is
 * committed. The node drops it, counts it and reports it to its driver, which may close the
 * sender's connection; the node's own state is left as it was. Only a lying, corrupted or broken
 * peer produces one, so in a cluster of correct nodes (the simulator checks this) none ever occurs.
 *
 * @param message the message refused
 * @param reason why it is impossible, in a sentence naming the values involved
 */
public record ImpossibleMessage(Message message, String reason) {

  /** Validates the fields. */
  public ImpossibleMessage {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(reason, "reason");
  }

  /** The peer the message claims to come from. */
  public NodeId from() {
    return message.from();
  }

  @Override
  public String toString() {
    return "impossible message from " + message.from() + ": " + reason + " (" + message + ")";
  }
}
