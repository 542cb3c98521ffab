package io.keel.kv.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Where each node's clients connect, as the nodes announced it ({@link KvCommand.Announce}), kept
 * by a store beside its keys: written by the apply thread, read from any thread.
 */
public final class Members {

  private final ConcurrentSkipListMap<String, KvCommand.Announce> byNode = new ConcurrentSkipListMap<>();

  /** Records {@code announce}, replacing what its node announced before. */
  public void announce(KvCommand.Announce announce) {
    byNode.put(announce.node(), announce);
  }

  /** Replaces every announcement with {@code announced} (from a snapshot or a store's records). */
  public void replaceAll(Collection<KvCommand.Announce> announced) {
    byNode.clear();
    announced.forEach(this::announce);
  }

  /** What {@code node} announced, if anything. */
  public Optional<KvCommand.Announce> of(String node) {
    return Optional.ofNullable(byNode.get(node));
  }

  /** Every announcement, by node id. */
  public Map<String, KvCommand.Announce> all() {
    return Map.copyOf(byNode);
  }

  /** Every announcement, in node order. */
  public List<KvCommand.Announce> list() {
    return List.copyOf(byNode.values());
  }
}
