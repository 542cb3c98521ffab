package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.sim.CommittedPrefix;
import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's committed log as the checkers know it: every entry any node has counted as
 * committed, with the hash of each prefix, the term in which each was first seen committed, and
 * where each client proposal landed, and the newest configuration it holds. It is also the first check after every event: a node's log
 * must hold, unchanged, every entry the node counts as committed (State Machine Safety's
 * precondition: a committed entry never changes and is never lost from a log that committed it).
 */
public final class CommittedLog implements Invariant, CommittedPrefix {

  private long size;
  private long[] hashes = new long[1024];
  private long[] commitTerm = new long[1024];
  private long[] entryTerm = new long[1024];
  private final Map<Long, Long> indexOfAttempt = new HashMap<>();
  private final LeaderCompleteness completeness;
  /**
   * The newest configuration in the committed log, or the one the cluster was founded with; null
   * if the run did not say (then every node is a voter).
   */
  private Configuration configuration;

  CommittedLog(LeaderCompleteness completeness) {
    this.completeness = completeness;
  }

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (touched == null || touched.isCrashed()) {
      return;
    }
    SimulatedDisk disk = touched.disk();
    long commitIndex = touched.raft().commitIndex();
    if (commitIndex > disk.lastIndex()) {
      throw Violation.safety("State Machine Safety", touched.id() + " counts index " + commitIndex
          + " committed but its log ends at " + disk.lastIndex());
    }
    long common = Math.min(commitIndex, size);
    if (disk.prefixHash(common) != hashes[(int) common]) {
      throw Violation.safety("State Machine Safety", touched.id() + "'s log differs from the committed log"
          + " at or below index " + common + ", which it counts committed");
    }
    if (commitIndex > size) {
      for (long index = size + 1; index <= commitIndex; index++) {
        add(disk.entry(index), disk.prefixHash(index), touched.raft().currentTerm());
      }
      completeness.onCommitted(nodes, this);
    }
  }

  private void add(LogEntry entry, long prefixHash, long term) {
    int index = (int) entry.index();
    if (index + 1 > hashes.length) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
      commitTerm = Arrays.copyOf(commitTerm, commitTerm.length * 2);
      entryTerm = Arrays.copyOf(entryTerm, entryTerm.length * 2);
    }
    hashes[index] = prefixHash;
    commitTerm[index] = term;
    entryTerm[index] = entry.term();
    size = index;
    if (entry.type() == EntryType.CONFIGURATION) {
      configuration = entry.configuration();
    }
    if (entry.type() == EntryType.COMMAND && entry.command().length >= Long.BYTES) {
      long attemptId = ByteBuffer.wrap(entry.command()).getLong();
      Long before = indexOfAttempt.putIfAbsent(attemptId, entry.index());
      if (before != null) {
        throw Violation.safety("Applied Exactly Once", "client attempt " + attemptId + " was committed twice, at "
            + before + " and " + entry.index());
      }
    }
  }

  @Override
  public long hashAt(long index, long term, String node) {
    if (index > size) {
      throw Violation.safety("State Machine Safety", node + " compacts its log up to " + index + "@" + term
          + ", beyond every index any node has counted committed, " + size);
    }
    if (entryTerm[(int) index] != term) {
      throw Violation.safety("State Machine Safety", node + " compacts its log up to " + index + "@" + term
          + ", where the committed entry is of term " + entryTerm[(int) index]);
    }
    return hashes[(int) index];
  }

  @Override
  public long hashAt(long index) {
    if (index > size) {
      throw new IndexOutOfBoundsException("index " + index + " is not known committed");
    }
    return hashes[(int) index];
  }

  /** The cluster was founded with {@code founders}, before any configuration entry. */
  void founders(Configuration founders) {
    if (configuration == null) {
      configuration = founders;
    }
  }

  /**
   * The configuration in force for the committed log: the newest configuration entry in it, or
   * the founders'; null if neither is known (every node then counts as a voter).
   */
  public Configuration configuration() {
    return configuration;
  }

  /** How many entries are committed. */
  public long size() {
    return size;
  }

  /** The hash of committed entries 1 to {@code index}. */
  long prefixHash(long index) {
    return hashes[(int) index];
  }

  /** The term of the node that first counted {@code index} committed. */
  long commitTerm(long index) {
    return commitTerm[(int) index];
  }

  /** The committed index of a client attempt, or null if it is not committed. */
  Long indexOf(long attemptId) {
    return indexOfAttempt.get(attemptId);
  }
}
