package io.keel.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * One fault a schedule injects at a point in simulated time. Nodes are numbered from 1, as in their
 * ids. Each fault writes itself as one line of the schedule's text form ({@link #describe}).
 */
public sealed interface Fault {

  /** The line of schedule text for this fault, without its time. */
  String describe();

  /** The node crashes: its volatile state and its unsynced writes are lost; it stays down. */
  record Crash(int node) implements Fault {
    @Override
    public String describe() {
      return "crash n" + node;
    }
  }

  /** Whichever node leads (of the highest term) crashes; nothing happens if none leads. */
  record CrashLeader() implements Fault {
    @Override
    public String describe() {
      return "crash-leader";
    }
  }

  /** Whichever node leads (of the highest term) is isolated from every other node. */
  record IsolateLeader() implements Fault {
    @Override
    public String describe() {
      return "isolate-leader";
    }
  }

  /**
   * A scripted client proposes one command at the node, whether or not it leads; the answer is
   * checked like any client's, and never retried.
   */
  record Propose(int node) implements Fault {
    @Override
    public String describe() {
      return "propose n" + node;
    }
  }

  /**
   * Whichever node leads (of the highest term) is cut off together with a random minority of the
   * others: the rest elect a new leader while the old one still replicates to its few (the raw
   * material of the Raft paper's Figure 8).
   */
  record IsolateLeaderWithMinority() implements Fault {
    @Override
    public String describe() {
      return "isolate-leader-with-minority";
    }
  }

  /**
   * The Raft paper's Figure 8 as a chain of crashes and restarts, each at its protocol moment
   * ({@link Figure8Attack}).
   */
  record Figure8() implements Fault {
    @Override
    public String describe() {
      return "figure-8";
    }
  }

  /** The protocol moments a {@link MomentFault} waits for. */
  enum Moment {
    /** A node leads: it crashes (then restarts, unlike {@link CrashLeader}). */
    LEADS("crash-leader-then-restart"),
    /** A leader holds durable entries that no follower has acknowledged: it crashes, keeping them. */
    LEADER_UNREPLICATED("crash-leader-unreplicated"),
    /** A node has granted a vote that is not durable yet: it crashes. */
    VOTE_NOT_DURABLE("crash-voter-before-durable"),
    /** A leader's uncommitted entries are acknowledged by a minority only: it and they are cut off from the rest. */
    MINORITY_ACKNOWLEDGED("isolate-leader-minority-acked");

    final String text;

    Moment(String text) {
      this.text = text;
    }

    static Moment named(String text) {
      for (Moment moment : values()) {
        if (moment.text.equals(text)) {
          return moment;
        }
      }
      return null;
    }
  }

  /**
   * Armed at its time, it strikes at the first moment after it that the cluster is in
   * {@code moment}'s state, right after the event that got it there (before anything that event
   * sent arrives). A node it crashes restarts {@code downtime} later.
   */
  record MomentFault(Moment moment, Duration downtime) implements Fault {
    @Override
    public String describe() {
      return moment.text + " " + Durations.format(downtime);
    }
  }

  /** A crashed node restarts from its disk. Restarting a node that is up does nothing. */
  record Restart(int node) implements Fault {
    @Override
    public String describe() {
      return "restart n" + node;
    }
  }

  /** The network's links become {@code partition}'s (replacing any partition before it). */
  record Cut(Partition partition) implements Fault {
    @Override
    public String describe() {
      return "partition " + partition.describe();
    }
  }

  /**
   * The node stops for {@code duration} (a stop-the-world pause): it handles nothing, and what
   * arrives for it waits until it resumes.
   */
  record Pause(int node, Duration duration) implements Fault {
    @Override
    public String describe() {
      return "pause n" + node + " " + Durations.format(duration);
    }
  }

  /** The node's fsyncs take {@code factor} times longer for {@code duration}. */
  record SlowDisk(int node, double factor, Duration duration) implements Fault {
    @Override
    public String describe() {
      return String.format(Locale.ROOT, "slow-disk n%d x%s %s", node, trim(factor), Durations.format(duration));
    }
  }

  /** The node's next fsync fails with an I/O error; the node stops until it is restarted. */
  record DiskError(int node) implements Fault {
    @Override
    public String describe() {
      return "disk-error n" + node;
    }
  }

  /** The node's clock jumps forward by {@code amount}. */
  record ClockJump(int node, Duration amount) implements Fault {
    @Override
    public String describe() {
      return "clock-jump n" + node + " " + Durations.format(amount);
    }
  }

  /**
   * {@code count} well-formed messages forged in {@code node}'s name, with values no correct node
   * would send, leave for random other nodes through the network. The real {@code node} runs on.
   */
  record Lie(int node, int count) implements Fault {
    @Override
    public String describe() {
      return "lie n" + node + " " + count;
    }
  }

  /** The network starts treating messages as {@code model} says. */
  record Network(NetworkModel model) implements Fault {
    @Override
    public String describe() {
      return "network " + model.describe();
    }
  }

  /** What a {@link Membership} fault asks the leader of the moment to do. */
  enum MembershipOp {
    /** Add a node that is no member (a spare, or a node removed before) as a voter. */
    GROW("grow"),
    /** Remove a voter other than the leader, keeping at least three voters (or one, from fewer). */
    SHRINK("shrink"),
    /** Remove a voter (the leader included) and add, in the same change, a spare that never ran: a failed machine replaced by a new empty one. */
    REPLACE("replace"),
    /** Add a node that is no member as a learner. */
    ADD_LEARNER("add-learner"),
    /** Make a learner a voter. */
    PROMOTE("promote"),
    /** Add the named node as a voter. */
    ADD("add"),
    /** Remove the named member. */
    REMOVE("remove"),
    /** Hand leadership to a random other voter. */
    TRANSFER("transfer"),
    /** Hand leadership to the voter furthest behind. */
    TRANSFER_LAGGING("transfer-lagging"),
    /** Hand leadership to the named voter. */
    TRANSFER_TO("transfer-to");

    final String text;

    MembershipOp(String text) {
      this.text = text;
    }

    /** Whether the op names its node. */
    boolean namesNode() {
      return this == ADD || this == REMOVE || this == TRANSFER_TO;
    }

    static MembershipOp named(String text) {
      for (MembershipOp op : values()) {
        if (op.text.equals(text)) {
          return op;
        }
      }
      throw new IllegalArgumentException("unknown membership change '" + text + "'");
    }
  }

  /**
   * Whichever node leads (of the highest term) is asked for a membership change or a leadership
   * transfer ({@link MembershipNemesis}); it may refuse (another change under way, not ready), and
   * nothing happens if none leads. {@code node} is the node an op names, else 0.
   */
  record Membership(MembershipOp op, int node) implements Fault {
    /** Validates that the op names a node exactly when it needs one. */
    public Membership {
      if (op.namesNode() != (node > 0)) {
        throw new IllegalArgumentException("membership " + op.text + (op.namesNode() ? " names a node" : " names none"));
      }
    }

    @Override
    public String describe() {
      return "membership " + op.text + (node > 0 ? " n" + node : "");
    }
  }

  /**
   * Every fault ends: crashed and failed nodes restart, pauses end, the partition and slow disks
   * go, and the network loses no more messages. Liveness is judged from here.
   */
  record Heal() implements Fault {
    @Override
    public String describe() {
      return "heal";
    }
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
