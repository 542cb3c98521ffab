package io.keel.raft;

/**
 * The state a node must persist before it answers anyone: its current term and whom it voted for in
 * that term (Raft paper, Figure 2, "Persistent state on all servers").
 *
 * @param term the current term, from 0
 * @param votedFor the candidate this node voted for in {@code term}, or null
 */
public record HardState(long term, NodeId votedFor) {

  /** The state of a node that has never run. */
  public static final HardState INITIAL = new HardState(0, null);

  /** Validates the state. */
  public HardState {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    if (term == 0 && votedFor != null) {
      throw new IllegalArgumentException("no vote can be cast in term 0");
    }
  }

  /**
   * Whether persisting this state also makes {@code other} durable. Hard states only move forward:
   * the term grows, and within a term the vote goes from none to one candidate, never to another.
   */
  public boolean covers(HardState other) {
    if (term != other.term) {
      return term > other.term;
    }
    return other.votedFor == null || other.votedFor.equals(votedFor);
  }
}
