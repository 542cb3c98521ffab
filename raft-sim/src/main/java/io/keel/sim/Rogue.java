package io.keel.sim;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link FaultKind#ROGUE} fault's forger: well-formed messages in a member's name whose values
 * no correct node would send — a second leader, acknowledgements of entries never sent, entries
 * contradicting committed ones, votes never asked for, extreme terms and indexes. Values are drawn
 * near the cluster's real state (terms around the highest, indexes around the longest log) so that
 * they reach the nodes' deep checks rather than bounce off the term rules.
 */
final class Rogue {

  /** Far beyond any term a correct cluster reaches; the core refuses terms above {@code 2^62}. */
  private static final long[] EXTREME_TERMS = {(1L << 62) - 1, 1L << 62, (1L << 62) + 1, Long.MAX_VALUE};

  private final SimRandom random;
  long forged;

  Rogue(SimRandom random) {
    this.random = random;
  }

  /** A node other than {@code liar}, of {@code nodes} (numbered from 1), to receive a lie. */
  int target(int liar, int nodes) {
    int target = 1 + (int) random.nextLong(nodes - 1);
    return target >= liar ? target + 1 : target;
  }

  /** A forged message in {@code from}'s name, for a cluster whose highest term and longest log are given. */
  Message forge(NodeId from, long highestTerm, long longestLog) {
    forged++;
    long term = term(highestTerm);
    long index = index(longestLog);
    long logTerm = index == 0 ? 0 : 1 + random.nextLong(Math.max(1, Math.min(term, highestTerm + 2)));
    return switch ((int) random.nextLong(6)) {
      case 0 -> appendEntries(term, from, index, Math.min(logTerm, term), longestLog);
      case 1 -> random.chance(0.5)
          ? AppendEntriesResponse.accepted(term, from, index)
          : AppendEntriesResponse.rejected(term, from, index, Math.min(logTerm, term), index(longestLog));
      case 2 -> new RequestVote(term, from, index, logTerm);
      case 3 -> new RequestVoteResponse(term, from, random.chance(0.5));
      case 4 -> new PreVote(term, from, index, logTerm);
      default -> new PreVoteResponse(term, from, random.chance(0.5));
    };
  }

  private Message appendEntries(long term, NodeId from, long prevIndex, long prevTerm, long longestLog) {
    if (term == 0 || prevTerm == 0) {
      prevIndex = 0;
      prevTerm = 0;
    }
    List<LogEntry> entries = new ArrayList<>();
    int count = (int) random.nextLong(5);
    long entryTerm = Math.max(1, prevTerm);
    for (int i = 1; i <= count && term > 0 && prevIndex <= Long.MAX_VALUE - count; i++) {
      entryTerm = Math.min(term, entryTerm + random.nextLong(2));
      entries.add(LogEntry.command(prevIndex + i, entryTerm, Envelope.wrap(0, new byte[8])));
    }
    return new AppendEntries(term, from, prevIndex, prevTerm, entries, index(longestLog));
  }

  /** Mostly the highest term give or take one or two; now and then extreme. */
  private long term(long highest) {
    if (random.chance(0.002)) {
      return EXTREME_TERMS[(int) random.nextLong(EXTREME_TERMS.length)];
    }
    return Math.max(0, highest - 1 + random.nextLong(4));
  }

  /** Mostly within or just past the longest log; now and then huge. */
  private long index(long longest) {
    if (random.chance(0.05)) {
      return random.chance(0.5) ? Long.MAX_VALUE - 10 : 1_000_000_000_000L;
    }
    return random.nextLong(longest + 4);
  }
}
