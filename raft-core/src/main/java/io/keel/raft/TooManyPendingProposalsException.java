package io.keel.raft;

/**
 * The leader already holds {@link RaftConfig#maxPendingProposals()} proposals that are not yet
 * applied; the new one was not accepted. Back off and retry.
 */
public final class TooManyPendingProposalsException extends RaftException {

  /** A rejection because {@code limit} proposals are pending. */
  public TooManyPendingProposalsException(int limit) {
    super("the leader already has " + limit + " proposals pending (maxPendingProposals)");
  }
}
