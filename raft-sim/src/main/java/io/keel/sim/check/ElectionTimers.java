package io.keel.sim.check;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.TimeoutNow;
import io.keel.raft.protocol.Role;
import io.keel.sim.Durations;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The rules that keep a healthy leader in office, checked on each node by its own clock, so that
 * lost or late messages can never make them fire falsely:
 *
 * <ul>
 *   <li><b>Election Timer</b>: a node starts a campaign (sends a PreVote or a RequestVote for the
 *       term after its own) only if it has not heard from the leader of its term for the minimum
 *       election timeout (Raft paper §5.2), or that leader handed leadership to it (TimeoutNow).
 *   <li><b>Pre-Vote Lease</b>: a node grants a pre-vote only if it neither leads nor heard from a
 *       leader of its term within the minimum election timeout (thesis §9.6).
 *   <li><b>Pre-Vote Keeps Terms</b>: a pre-vote request changes no one's term.
 *   <li><b>Vote Lease</b>: a vote request of a higher term does not make a node
 *       that leads, or heard from a leader within the minimum election timeout, adopt the term
 *       (thesis §4.2.3), unless the request is a leadership transfer's (thesis §3.10).
 * </ul>
 *
 * <p>"Heard from the leader" means an AppendEntries of the node's current term was delivered to
 * it, which is exactly what resets a follower's timer.
 */
public final class ElectionTimers {

  private final long minTimeoutNanos;
  /** Per node: the term and the node's local time of the last AppendEntries of its term it received. */
  private final long[] contactTerm;
  private final long[] contactLocalNanos;
  /**
   * Per node and requester: for each pre-vote request received and not yet answered, in order,
   * whether it arrived while the node heard from a leader. Every pre-vote request is answered, in
   * order, though the answer may wait in the node's outbox for the hard state to be durable.
   */
  private final ArrayDeque<Boolean>[][] preVotesPending;
  /** Per node: its role and term after its last event, to see a campaign begin. */
  private final Role[] roleSeen;
  private final long[] termSeen;

  /** Checks a cluster of {@code nodes} whose minimum election timeout is {@code minTimeoutNanos}. */
  public ElectionTimers(int nodes, long minTimeoutNanos) {
    this.minTimeoutNanos = minTimeoutNanos;
    this.contactTerm = new long[nodes + 1];
    this.contactLocalNanos = new long[nodes + 1];
    this.preVotesPending = newPending(nodes);
    this.roleSeen = new Role[nodes + 1];
    this.termSeen = new long[nodes + 1];
    Arrays.fill(contactTerm, -1);
  }

  /** Node {@code node} (re)started: it remembers no leader. */
  void onStart(int node) {
    contactTerm[node] = -1;
    roleSeen[node] = null;
    for (ArrayDeque<Boolean> pending : preVotesPending[node]) {
      pending.clear();
    }
  }

  /**
   * Node {@code node}, in {@code roleBefore} and {@code termBefore}, received {@code message} at its
   * local time {@code localNanos}, and is now in {@code termAfter}.
   */
  void onDelivered(int node, Message message, Role roleBefore, long termBefore, long termAfter,
      long localNanos) {
    if (message instanceof AppendEntries && message.term() == termAfter) {
      contactTerm[node] = termAfter;
      contactLocalNanos[node] = localNanos;
    } else if (message instanceof TimeoutNow) {
      contactTerm[node] = -1; // the leader handed over: campaigning at once is what it asked for
    } else if (message instanceof PreVote && termAfter != termBefore) {
      throw Violation.safety("Pre-Vote Keeps Terms", "n" + node + " moved from term " + termBefore + " to "
          + termAfter + " on a pre-vote request from " + message.from());
    } else if (message instanceof RequestVote request && !request.leadershipTransfer() && termAfter > termBefore
        && (roleBefore == Role.LEADER || heardLeader(node, termBefore, localNanos))) {
      throw Violation.safety("Vote Lease", "n" + node + (roleBefore == Role.LEADER ? ", leader of term "
          + termBefore : ", which heard from its leader " + ago(node, localNanos) + " ago,")
          + " adopted term " + termAfter + " from a vote request of " + message.from());
    }
  }

  /**
   * Node {@code node}, in {@code role} and {@code term}, is about to handle {@code message} from node
   * {@code from} at its local time {@code localNanos}: a pre-vote's answer is decided there, though
   * it may leave later, once the hard state is durable.
   */
  void beforeDelivery(int node, int from, Message message, Role role, long term, long localNanos) {
    if (message instanceof PreVote) {
      preVotesPending[node][from].add(role == Role.LEADER || heardLeader(node, term, localNanos));
    }
  }

  /** Node {@code node} sent {@code message} to node {@code to}. */
  void onSent(int node, int to, Message message) {
    if (!(message instanceof PreVoteResponse response)) {
      return;
    }
    Boolean underLease = preVotesPending[node][to].poll();
    if (response.granted() && Boolean.TRUE.equals(underLease)) {
      throw Violation.safety("Pre-Vote Lease", "n" + node + " granted n" + to + " a pre-vote for term "
          + response.term() + " asked while it still heard from a leader (minimum election timeout "
          + Durations.formatNanos(minTimeoutNanos) + ")");
    }
  }

  /**
   * After an event of node {@code node}, now in {@code role} and {@code term} at local time
   * {@code localNanos}: if the event began a campaign (a new pre-vote round or a new term as
   * candidate), the node must not have heard from the leader of the term it leaves within the
   * minimum election timeout.
   */
  void afterEvent(int node, Role role, long term, long localNanos) {
    Role before = roleSeen[node];
    long termBefore = termSeen[node];
    roleSeen[node] = role;
    termSeen[node] = term;
    boolean campaigning = role == Role.PRE_CANDIDATE || role == Role.CANDIDATE;
    if (!campaigning || (before == role && termBefore == term)) {
      return;
    }
    long leftTerm = role == Role.PRE_CANDIDATE ? term : term - 1;
    if (heardLeader(node, leftTerm, localNanos)) {
      throw Violation.safety("Election Timer", "n" + node + " campaigns (" + role + " of term " + term + ") "
          + ago(node, localNanos) + " after hearing from the leader of term " + leftTerm
          + " (minimum election timeout " + Durations.formatNanos(minTimeoutNanos) + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private static ArrayDeque<Boolean>[][] newPending(int nodes) {
    ArrayDeque<Boolean>[][] pending = new ArrayDeque[nodes + 1][nodes + 1];
    for (ArrayDeque<Boolean>[] row : pending) {
      for (int i = 0; i < row.length; i++) {
        row[i] = new ArrayDeque<>();
      }
    }
    return pending;
  }

  private boolean heardLeader(int node, long term, long localNanos) {
    return contactTerm[node] == term && localNanos - contactLocalNanos[node] < minTimeoutNanos;
  }

  private String ago(int node, long localNanos) {
    return Durations.formatNanos(localNanos - contactLocalNanos[node]);
  }
}
