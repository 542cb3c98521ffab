package io.keel.raft;

/**
 * The node's {@link LogStore} reported a failed write, so the node has stopped: it neither accepts
 * proposals nor takes part in elections or replication until it is restarted.
 */
public final class StorageFailedException extends RaftException {

  /** The node stopped because of {@code cause}. */
  public StorageFailedException(NodeId node, Throwable cause) {
    super(node + " stopped after a storage failure: " + cause, cause);
  }
}
