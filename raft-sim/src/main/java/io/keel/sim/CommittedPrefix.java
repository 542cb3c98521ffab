package io.keel.sim;

/**
 * What the checkers know of the cluster's committed log, for the simulated disks: a log compacted
 * behind a snapshot no longer holds the entries that the checkers' prefix hashes are made of, but
 * those entries were committed, so their hash is the committed log's. Asking for it is also a
 * check: a node may compact only what is committed.
 */
public interface CommittedPrefix {

  /**
   * The hash of the committed log up to {@code index}, whose entry must have {@code term}.
   *
   * @throws io.keel.sim.check.Violation if {@code index} is not known committed, or the committed
   *     entry there has another term: the node compacts a log it does not share with the cluster
   */
  long hashAt(long index, long term, String node);

  /** The hash of the committed log up to {@code index}, which is known committed. */
  long hashAt(long index);

  /** For disks without checkers: a hash derived from the index and term alone. */
  CommittedPrefix UNKNOWN = new CommittedPrefix() {
    @Override
    public long hashAt(long index, long term, String node) {
      return LogImage.startHash(index, term);
    }

    @Override
    public long hashAt(long index) {
      throw new IndexOutOfBoundsException("no hash is known for compacted index " + index);
    }
  };
}
