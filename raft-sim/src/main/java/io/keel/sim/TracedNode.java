package io.keel.sim;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.trace.JsonWriter;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * What the JSON trace last said of one node — role, term, vote, log tail, commit and applied
 * indexes, configuration, snapshots, whether it is down or paused — so that after each of the
 * node's events the {@link TraceRecorder} writes only what changed. It reads the node's state
 * through the core's getters and the simulated disk; it changes nothing.
 */
final class TracedNode {

  /** How many of the log's last entries an event shows the terms of. */
  static final int TAIL_ENTRIES = 4;

  private final int number;
  private Role role;
  private long term = -1;
  private String vote;
  private String leader;
  private long last = -1;
  private long tailFrom;
  private long[] tail = new long[0];
  private long commit = -1;
  private long applied = -1;
  private Configuration configuration;
  private int snapshotsTaken;
  private int snapshotsInstalled;
  boolean down;
  boolean paused;

  TracedNode(int number) {
    this.number = number;
  }

  /** After an event of {@code node} (up): writes an event for each part of its state that changed. */
  void update(SimulatedNode<?> node, TraceRecorder out) {
    RaftNode<?> raft = node.raft();
    if (down) {
      down = false;
      out.event("restart").field("node", number).endObject();
    }
    String newLeader = name(raft.leader().orElse(null));
    if (raft.role() != role || raft.currentTerm() != term || !Objects.equals(newLeader, leader)) {
      role = raft.role();
      term = raft.currentTerm();
      leader = newLeader;
      out.event("role").field("node", number).field("role", role.name()).field("term", term)
          .field("leader", leader).endObject();
    }
    String newVote = name(raft.votedFor().orElse(null));
    if (!Objects.equals(newVote, vote)) {
      vote = newVote;
      if (vote != null) {
        out.event("vote").field("node", number).field("term", term).field("for", vote).endObject();
      }
    }
    updateLog(node, out);
    if (raft.commitIndex() != commit) {
      commit = raft.commitIndex();
      out.event("commit").field("node", number).field("commit", commit).endObject();
    }
    if (raft.lastApplied() != applied) {
      applied = raft.lastApplied();
      out.event("apply").field("node", number).field("applied", applied).endObject();
    }
    updateSnapshots(node, out);
    if (!raft.configuration().equals(configuration)) {
      configuration = raft.configuration();
      members(out.event("membership").field("node", number)).endObject();
    }
  }

  /** Everything known of the node, as the first event of a window. */
  void init(TraceRecorder out) {
    JsonWriter json = out.event("init").field("node", number).field("role", role == null ? null : role.name())
        .field("term", term).field("vote", vote).field("leader", leader);
    tail(json.field("last", last)).field("commit", commit).field("applied", applied);
    members(json).field("down", down).field("paused", paused).endObject();
  }

  private void updateLog(SimulatedNode<?> node, TraceRecorder out) {
    long newLast = node.raft().lastLogIndex();
    SimulatedDisk disk = node.disk();
    long to = Math.min(newLast, disk.lastIndex());
    long from = Math.max(disk.firstIndex(), to - TAIL_ENTRIES + 1);
    long[] newTail = new long[(int) Math.max(0, to - from + 1)];
    for (int i = 0; i < newTail.length; i++) {
      newTail[i] = disk.term(from + i);
    }
    if (newLast != last || from != tailFrom || !Arrays.equals(newTail, tail)) {
      last = newLast;
      tailFrom = from;
      tail = newTail;
      tail(out.event("append").field("node", number).field("last", last)).endObject();
    }
  }

  private void updateSnapshots(SimulatedNode<?> node, TraceRecorder out) {
    if (node.snapshotsTaken() != snapshotsTaken) {
      snapshotsTaken = node.snapshotsTaken();
      out.event("snapshot").field("node", number).field("index", node.durableSnapshotIndex()).endObject();
    }
    if (node.snapshotsInstalled() != snapshotsInstalled) {
      snapshotsInstalled = node.snapshotsInstalled();
      out.event("install").field("node", number).field("index", node.durableSnapshotIndex()).endObject();
    }
  }

  private JsonWriter tail(JsonWriter json) {
    json.field("tailFrom", tailFrom).name("tail").beginArray();
    for (long entryTerm : tail) {
      json.value(entryTerm);
    }
    return json.endArray();
  }

  private JsonWriter members(JsonWriter json) {
    Configuration shown = configuration == null ? Configuration.NONE : configuration;
    names(json.name("voters"), shown.voters());
    names(json.name("outgoing"), shown.outgoingVoters());
    return names(json.name("learners"), shown.learners());
  }

  private static JsonWriter names(JsonWriter json, Collection<NodeId> ids) {
    json.beginArray();
    for (NodeId id : ids) {
      json.value(id.value());
    }
    return json.endArray();
  }

  private static String name(NodeId id) {
    return id == null ? null : id.value();
  }
}
