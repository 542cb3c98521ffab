package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.ImpossibleMessage;
import io.keel.raft.protocol.Role;
import io.keel.sim.CommittedPrefix;
import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Every safety property the simulator checks, in the order they run after each event: the node's
 * own invariants, then the committed log (which the later checks read), Election Safety, Leader
 * Append-Only, Log Matching, Leader Completeness and Committed Entries Kept; State Machine Safety
 * and Applied Exactly Once are checked as commands are applied and acknowledged.
 *
 * <p>Whatever the run, no node may stop unless its disk failed ({@code Nodes Keep Running}). In a
 * run of correct nodes, no node may refuse a message as impossible ({@code No Impossible
 * Messages}): that would be the core's checks refusing what a correct peer sent. In a run with a
 * lying member ({@link io.keel.sim.FaultKind#ROGUE}), which may break Raft's guarantees by design,
 * only the nodes' own invariants and that no node stops are checked.
 *
 * <p>Given the run's {@link Settings}, it also checks what keeps a healthy cluster healthy: the
 * election rules each node keeps by its own clock ({@link ElectionTimers}), that a leader without
 * a majority steps down ({@link CheckQuorumChecker}), that match indexes never move back, that an
 * acknowledgement names only durable, matching entries ({@link AcknowledgedDurable}), and, after
 * the heal, that leadership stays put ({@link Disruption}) and the cluster commits at a fair rate
 * ({@link Throughput}).
 */
public final class Checkers {

  /**
   * What the cluster-health checks need to know of a run.
   *
   * @param nodes cluster size
   * @param electionTimeoutMinNanos the minimum election timeout, on each node's own clock
   * @param checkQuorumBoundNanos with CheckQuorum on, how soon in simulated time a leader must step
   *     down after it last heard from a majority; negative if CheckQuorum is off
   * @param checkQuorum whether CheckQuorum is on
   * @param healNanos when the heal happens, or negative if none does
   * @param referencePerSecond the fault-free rate of acknowledged commands, or 0 to not judge throughput
   */
  public record Settings(int nodes, long electionTimeoutMinNanos, long checkQuorumBoundNanos, boolean checkQuorum,
      long healNanos, double referencePerSecond) {

    /** No cluster-health checks: for runs that judge only safety. */
    public static Settings none() {
      return new Settings(0, 0, -1, false, -1, 0);
    }
  }

  /** The least fraction of the fault-free commit rate a healed, settled cluster must reach. */
  public static final double THROUGHPUT_FRACTION = 0.4;

  private final ElectionSafety electionSafety = new ElectionSafety();
  private final LeaderCompleteness leaderCompleteness = new LeaderCompleteness();
  private final CommittedLog committedLog = leaderCompleteness.committedLog();
  private final StateMachineSafety stateMachineSafety = new StateMachineSafety();
  private final AppliedExactlyOnce appliedExactlyOnce = new AppliedExactlyOnce(committedLog, stateMachineSafety);
  private final List<Invariant> invariants = List.of(
      committedLog,
      electionSafety,
      new LeaderAppendOnly(),
      new LogMatching(),
      leaderCompleteness,
      new CommittedEntriesKept(committedLog),
      new MatchIndexes(),
      new CommitRule());

  private final boolean rogue;
  private final Settings settings;
  private final ElectionTimers electionTimers;
  private final CheckQuorumChecker checkQuorum;
  private final Disruption disruption;
  private final Throughput throughput;
  private final FlowControl flowControl;
  private final ConflictHints conflictHints;
  private final FastBacktracking fastBacktracking = new FastBacktracking();
  private long commitBeforeDelivery;
  /** A violation found inside a node's call (an apply, a refusal), held until the event ends. */
  private Violation duringApply;
  private long impossibleMessages;
  /** The highest log index of a write acknowledged to a client so far. */
  private long highestAcknowledgedIndex;
  private long readsChecked;

  /** The safety checkers of a run of correct nodes. */
  public Checkers() {
    this(false, Settings.none());
  }

  /** The safety checkers of a run with a lying member if {@code rogue}, else of correct nodes. */
  public Checkers(boolean rogue) {
    this(rogue, Settings.none());
  }

  /** Every checker of a run: with a lying member if {@code rogue}; the health checks as {@code settings} say. */
  public Checkers(boolean rogue, Settings settings) {
    this.rogue = rogue;
    this.settings = settings;
    this.electionTimers = new ElectionTimers(settings.nodes(), settings.electionTimeoutMinNanos());
    this.checkQuorum = settings.checkQuorumBoundNanos() >= 0
        ? new CheckQuorumChecker(settings.nodes(), settings.checkQuorumBoundNanos()) : null;
    this.disruption = new Disruption(settings.healNanos());
    this.throughput = new Throughput(settings.referencePerSecond(), THROUGHPUT_FRACTION);
    this.flowControl = new FlowControl(settings.nodes());
    this.conflictHints = new ConflictHints(settings.nodes());
  }

  /**
   * Checks every invariant after an event at {@code nowNanos} that touched {@code touched}, or a
   * cluster-wide one (null).
   */
  public void afterEvent(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched, long nowNanos) {
    if (duringApply != null) {
      throw duringApply;
    }
    if (touched != null && !touched.isCrashed()) {
      try {
        touched.raft().checkInvariants();
      } catch (IllegalStateException e) {
        throw Violation.safety("Node Invariants", e.getMessage());
      }
      if (touched.raft().role() == Role.FAILED && !touched.disk().failed()) {
        throw Violation.safety("Nodes Keep Running", touched.id() + " stopped though its disk did not fail: "
            + touched.raft().failure().map(Throwable::toString).orElse("no reason"));
      }
    }
    if (rogue) {
      return;
    }
    for (Invariant invariant : invariants) {
      invariant.check(nodes, touched);
    }
    if (settings.nodes() == 0) {
      return;
    }
    if (touched != null && !touched.isCrashed()) {
      electionTimers.afterEvent(touched.number(), touched.raft().role(), touched.raft().currentTerm(),
          touched.localNanos(nowNanos));
      if (checkQuorum != null) {
        checkQuorum.afterEvent(touched, nowNanos);
      }
    }
    disruption.afterEvent(nodes, committedLog.configuration(), nowNanos);
    if (disruption.settledNanos() >= 0) {
      throughput.onSettled(disruption.settledNanos());
    }
  }

  /**
   * Node {@code from} sends {@code message} to {@code to}. Runs inside the node's call, so a
   * violation is held and thrown after the event.
   */
  public void onSent(SimulatedNode<?> from, SimulatedNode<?> to, Message message) {
    if (rogue || settings.nodes() == 0 || duringApply != null) {
      return;
    }
    try {
      electionTimers.onSent(from.number(), to.number(), message);
      flowControl.onSent(from, to.number(), message);
      fastBacktracking.onSent(from, to, message);
      if (message instanceof AppendEntriesResponse response) {
        AcknowledgedDurable.onSent(from, to, response);
        conflictHints.onSent(from, to.number(), response);
      }
    } catch (Violation violation) {
      duringApply = violation;
    }
  }

  /**
   * Node {@code to}, in {@code roleBefore} and {@code termBefore}, has handled {@code message} from
   * node number {@code from}, at its local time {@code localNanos} and simulated time {@code nowNanos}.
   */
  public void onDelivered(SimulatedNode<?> to, int from, Message message, Role roleBefore, long termBefore,
      long localNanos, long nowNanos) {
    if (rogue || settings.nodes() == 0) {
      return;
    }
    if (to.isCrashed()) {
      flowControl.afterDelivery(to);
      fastBacktracking.afterDelivery();
      return;
    }
    electionTimers.onDelivered(to.number(), message, roleBefore, termBefore, to.raft().currentTerm(), localNanos);
    if (checkQuorum != null) {
      checkQuorum.onDelivered(to.number(), from, message, nowNanos);
    }
    flowControl.afterDelivery(to);
    fastBacktracking.afterDelivery();
    disruption.onDelivered(to.number(), message, nowNanos);
    CommitRule.onDelivered(to, message, commitBeforeDelivery);
  }

  /** Node {@code to} is about to handle {@code message} from node number {@code from}, at its local time {@code localNanos}. */
  public void beforeDelivery(SimulatedNode<?> to, int from, Message message, long localNanos) {
    if (!rogue && settings.nodes() > 0) {
      electionTimers.beforeDelivery(to.number(), from, message, to.raft().role(), to.raft().currentTerm(), localNanos);
      flowControl.beforeDelivery(to, from, message);
      conflictHints.beforeDelivery(to, from, message);
      fastBacktracking.beforeDelivery(to, from, message);
      commitBeforeDelivery = to.raft().commitIndex();
    }
  }

  /** The run ended normally at {@code endNanos}: the checks judged over the whole heal. */
  public void atEnd(long endNanos) {
    if (!rogue && settings.nodes() > 0) {
      throughput.atEnd(endNanos);
    }
  }

  /** A node started with an empty state machine. */
  public void onStart(int node, int nodes) {
    stateMachineSafety.onStart(node, nodes);
    if (settings.nodes() > 0) {
      electionTimers.onStart(node);
      conflictHints.onStart(node);
    }
  }

  /**
   * A node's state machine applied a client attempt. This runs inside the node's apply, where an
   * exception would only fail the proposal, so a violation is held and thrown after the event.
   */
  public void onApplied(int node, long index, long attemptId, Object result) {
    if (rogue) {
      return; // forged entries may be applied: no state machine property holds with a liar
    }
    try {
      stateMachineSafety.onApplied(node, index, attemptId, result);
    } catch (Violation violation) {
      if (duringApply == null) {
        duringApply = violation;
      }
    }
  }

  /** A node's state machine holds the state at {@code index}, restored from a snapshot or written into one. */
  public void onRestored(int node, long index, long contentHash, boolean applies) {
    if (!rogue) {
      stateMachineSafety.onRestored(node, index, contentHash, applies);
    }
  }

  /** What the checkers know of the committed log, which the simulated disks ask for once they compact. */
  public CommittedPrefix committedPrefix() {
    return committedLog;
  }

  /** A client received a result for an attempt at {@code nowNanos}. */
  public void onAcknowledged(long attemptId, Object result, long nowNanos) {
    Long index = committedLog.indexOf(attemptId);
    if (index != null) {
      highestAcknowledgedIndex = Math.max(highestAcknowledgedIndex, index);
    }
    if (!rogue) {
      appliedExactlyOnce.onAcknowledged(attemptId, result);
      throughput.onAcknowledged(nowNanos);
    }
  }

  /**
   * Node {@code node} refused a message as impossible. Only a liar sends one, so in a run of
   * correct nodes this is a violation, held and thrown after the event.
   */
  public void onImpossible(int node, ImpossibleMessage impossible) {
    impossibleMessages++;
    if (!rogue && duringApply == null) {
      duringApply = Violation.safety("No Impossible Messages", "n" + node + " refused a message from a correct "
          + "peer as impossible: " + impossible.reason() + " (" + impossible.message() + ")");
    }
  }

  /** The highest log index of any write acknowledged to a client so far. */
  public long highestAcknowledgedIndex() {
    return highestAcknowledgedIndex;
  }

  /**
   * Node {@code node} served a linearizable read at {@code readIndex}, its state machine having
   * applied {@code applied}; the read was asked at {@code askedNanos}, when the highest index of an
   * acknowledged write was {@code acknowledgedIndex}. Linearizable Reads: the read index reaches
   * every write acknowledged before the read was asked (the writes are linearized at their log
   * index), and the state read reaches the read index. Runs inside the node's call, so a violation
   * is held and thrown after the event.
   */
  public void onReadServed(NodeId node, long acknowledgedIndex, long readIndex, long applied, long askedNanos) {
    readsChecked++;
    if (rogue || duringApply != null) {
      return;
    }
    if (readIndex < acknowledgedIndex || applied < readIndex) {
      duringApply = Violation.safety("Linearizable Reads", node + " served a read asked at "
          + Durations.formatNanos(askedNanos) + " at read index " + readIndex + " (state applied to " + applied
          + "), but a write at index " + acknowledgedIndex + " had been acknowledged before it was asked");
    }
  }

  /** How many served reads were checked. */
  public long readsChecked() {
    return readsChecked;
  }

  /** How many messages nodes refused as impossible. */
  public long impossibleMessages() {
    return impossibleMessages;
  }

  /** How many terms elected a leader. */
  public int termsWithLeader() {
    return electionSafety.termsWithLeader();
  }

  /** The cluster was founded with {@code founders}: the configuration in force until one commits. */
  public void founders(Configuration founders) {
    committedLog.founders(founders);
  }

  /** The configuration in force for the committed log (null if the run never said). */
  public Configuration committedConfiguration() {
    return committedLog.configuration();
  }

  /** How many entries are committed. */
  public long committed() {
    return committedLog.size();
  }
}
