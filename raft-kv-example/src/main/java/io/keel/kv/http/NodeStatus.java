package io.keel.kv.http;

import io.keel.kv.server.KvNode;
import io.keel.kv.server.ShardReplica;
import io.keel.kv.store.KvCommand;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.GroupStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A node's view of itself and of the groups, as the JSON of {@code GET /status}. */
final class NodeStatus {

  private NodeStatus() {}

  static Map<String, Object> of(KvNode node) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("node", node.config().nodeId().value());
    json.put("cluster", node.config().clusterId());
    json.put("resp", Map.of("address", node.respAddress().getHostString() + ":" + node.respAddress().getPort(),
        "connections", node.respStats().openConnections()));
    List<Object> groups = new ArrayList<>();
    for (ShardReplica replica : node.service().replicas()) {
      GroupStatus status = replica.group().status();
      if (status != null) {
        groups.add(group(replica, status));
      }
    }
    json.put("groups", groups);
    Map<String, Object> members = new LinkedHashMap<>();
    for (Map.Entry<String, KvCommand.Announce> member : node.service().replicas().get(0).store().members().entrySet()) {
      members.put(member.getKey(), Map.of("resp", member.getValue().respAddress(), "http",
          member.getValue().httpAddress()));
    }
    json.put("members", members);
    return json;
  }

  private static Map<String, Object> group(ShardReplica replica, GroupStatus status) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("group", status.group().value());
    json.put("role", status.role().name().toLowerCase(Locale.ROOT));
    json.put("term", status.term());
    json.put("leader", status.leader().map(NodeId::value).orElse(null));
    json.put("commitIndex", status.commitIndex());
    json.put("appliedIndex", status.appliedIndex());
    json.put("lastLogIndex", status.lastLogIndex());
    json.put("voters", names(status.configuration().voters()));
    json.put("learners", names(status.configuration().learners()));
    Map<String, Object> followers = new LinkedHashMap<>();
    status.matchIndexes().forEach((peer, match) -> followers.put(peer.value(), Map.of("matchIndex", match,
        "lag", status.lag(peer))));
    json.put("followers", followers);
    json.put("unreachableVoters", names(status.unreachableVoters()));
    json.put("snapshots", Map.of("latestIndex", status.snapshots().latestIndex(), "taken", status.snapshots().taken(),
        "sent", status.snapshots().sent(), "installed", status.snapshots().installed()));
    json.put("keys", replica.store().size());
    json.put("sessions", replica.sessions());
    return json;
  }

  private static List<String> names(Collection<NodeId> nodes) {
    return nodes.stream().map(NodeId::value).toList();
  }
}
