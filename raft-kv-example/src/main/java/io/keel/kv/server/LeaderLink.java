package io.keel.kv.server;

import io.keel.kv.store.KvResult;
import io.keel.raft.NodeId;
import java.util.concurrent.CompletableFuture;

/** How a node hands a session command it cannot append to the node that leads the group. */
interface LeaderLink {

  /**
   * Has {@code leader} propose {@code envelope} in group {@code group}; the future holds the
   * result, or fails with a {@link WriteFailure} (or anything {@link WriteFailure#classify} reads).
   */
  CompletableFuture<KvResult> propose(NodeId leader, int group, byte[] envelope);
}
