package io.keel.raft.runtime;

import io.keel.raft.protocol.Reads;

/**
 * What a node's linearizable reads cost so far (see {@link io.keel.raft.ReadMode}).
 *
 * @param roundsConfirmed rounds of leadership checks a quorum answered while this node led
 * @param readsByRound reads those rounds served, this node's own and its followers': divided by
 *     {@code roundsConfirmed}, how many reads share one round
 * @param readsByLease reads this node served by its lease, without a round
 */
public record ReadStatus(long roundsConfirmed, long readsByRound, long readsByLease) {

  /** A node that served no reads. */
  public static final ReadStatus NONE = new ReadStatus(0, 0, 0);

  /** The counts of {@code reads} now. */
  static ReadStatus of(Reads reads) {
    return new ReadStatus(reads.roundsConfirmed(), reads.readsByRound(), reads.readsByLease());
  }
}
