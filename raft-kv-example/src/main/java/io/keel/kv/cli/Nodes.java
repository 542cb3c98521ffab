package io.keel.kv.cli;

import io.keel.kv.server.KvNode;
import io.keel.kv.server.ShardReplica;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Waits for nodes started by the command line. */
final class Nodes {

  private Nodes() {}

  /**
   * Waits until every group has a leader and every node has announced its client address.
   *
   * @throws java.util.concurrent.TimeoutException if that takes longer than {@code timeout}
   */
  static void awaitLeaders(List<KvNode> nodes, Duration timeout) throws Exception {
    for (KvNode node : nodes) {
      for (ShardReplica replica : node.service().replicas()) {
        replica.group().awaitLeader(timeout).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      }
    }
    for (KvNode node : nodes) {
      node.announced().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
