package io.keel.raft;

import java.time.Duration;

/**
 * The protocol's tunables, validated when built: an invalid value is rejected by
 * {@link Builder#build()} with a message that names the field and its allowed range.
 *
 * <p>Defaults: PreVote and CheckQuorum on; an election timeout of 500–1000 ms with a heartbeat every
 * 100 ms. The Raft paper's 150–300 ms assumes a process that never stops; a JVM does, for garbage
 * collection (G1 aims at pauses under 200 ms by default and does not promise them), JIT
 * deoptimization and safepoints, so the minimum timeout is set at 2.5 times G1's pause goal, and a
 * follower misses four heartbeats before it may campaign. That is half the 1–2 s that etcd,
 * hashicorp/raft and SOFAJRaft use, because Keel's own stalls are measured
 * (docs/operations.md, "Choosing timeouts"). A deployment on a quiet network with small heaps may
 * lower them to fail over faster.
 */
public final class RaftConfig {

  /** The longest election timeout accepted. */
  public static final Duration MAX_ELECTION_TIMEOUT = Duration.ofMinutes(10);
  /** The most entries one AppendEntries may carry. */
  public static final int MAX_ENTRIES_PER_APPEND_LIMIT = 100_000;
  /** The largest byte budget of one AppendEntries. */
  public static final long MAX_BYTES_PER_APPEND_LIMIT = 64L * 1024 * 1024;
  /** The largest in-flight window per follower. */
  public static final int MAX_INFLIGHT_APPENDS_LIMIT = 10_000;
  /** The largest bound on pending proposals. */
  public static final int MAX_PENDING_PROPOSALS_LIMIT = 10_000_000;
  /** The largest bound on committed command bytes handed out to be applied and not yet applied. */
  public static final long MAX_UNAPPLIED_BYTES_LIMIT = 1L << 40;
  /** The largest snapshot chunk: it must fit in one message. */
  public static final int MAX_SNAPSHOT_CHUNK_BYTES_LIMIT = 64 * 1024 * 1024;
  /** The most snapshot chunks in flight to one follower. */
  public static final int MAX_INFLIGHT_SNAPSHOT_CHUNKS_LIMIT = 1024;
  /** The most log entries kept behind a snapshot. */
  public static final long MAX_SNAPSHOT_TRAILING_ENTRIES_LIMIT = 1L << 40;

  /** The largest catch-up lag accepted. */
  public static final long MAX_CATCH_UP_LAG_LIMIT = 1L << 40;
  /** The longest catch-up timeout accepted. */
  public static final Duration MAX_CATCH_UP_TIMEOUT = Duration.ofDays(1);
  /** The largest clock drift accepted: half a clock's rate. */
  public static final double MAX_CLOCK_DRIFT_LIMIT = 0.5;

  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;
  private final Duration heartbeatInterval;
  /** Whether the heartbeat interval was left to follow the election timeout. */
  private final boolean heartbeatDerived;
  private final int maxEntriesPerAppend;
  private final long maxBytesPerAppend;
  private final int maxInflightAppends;
  private final int maxPendingProposals;
  private final long maxUnappliedBytes;
  private final int snapshotChunkBytes;
  private final int maxInflightSnapshotChunks;
  private final long snapshotTrailingEntries;
  private final boolean preVote;
  private final boolean checkQuorum;
  private final long maxCatchUpLag;
  private final Duration catchUpTimeout;
  private final boolean leaseReads;
  private final double maxClockDrift;

  /** {@code heartbeat} is the builder's interval, or the one derived from the election timeout if unset. */
  private RaftConfig(Builder builder, Duration heartbeat) {
    this.electionTimeoutMin = builder.electionTimeoutMin;
    this.electionTimeoutMax = builder.electionTimeoutMax;
    this.heartbeatDerived = builder.heartbeatInterval == null;
    this.heartbeatInterval = heartbeat;
    this.maxEntriesPerAppend = builder.maxEntriesPerAppend;
    this.maxBytesPerAppend = builder.maxBytesPerAppend;
    this.maxInflightAppends = builder.maxInflightAppends;
    this.maxPendingProposals = builder.maxPendingProposals;
    this.maxUnappliedBytes = builder.maxUnappliedBytes;
    this.snapshotChunkBytes = builder.snapshotChunkBytes;
    this.maxInflightSnapshotChunks = builder.maxInflightSnapshotChunks;
    this.snapshotTrailingEntries = builder.snapshotTrailingEntries;
    this.preVote = builder.preVote;
    this.checkQuorum = builder.checkQuorum;
    this.maxCatchUpLag = builder.maxCatchUpLag;
    this.catchUpTimeout = builder.catchUpTimeout;
    this.leaseReads = builder.leaseReads;
    this.maxClockDrift = builder.maxClockDrift;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every default. */
  public static RaftConfig defaults() {
    return builder().build();
  }

  /**
   * A builder that starts from this configuration's values; a heartbeat interval that was not set
   * stays unset, so that it follows a new election timeout.
   */
  public Builder toBuilder() {
    return new Builder()
        .electionTimeout(electionTimeoutMin, electionTimeoutMax)
        .heartbeatInterval(heartbeatDerived ? null : heartbeatInterval)
        .maxEntriesPerAppend(maxEntriesPerAppend)
        .maxBytesPerAppend(maxBytesPerAppend)
        .maxInflightAppends(maxInflightAppends)
        .maxPendingProposals(maxPendingProposals)
        .maxUnappliedBytes(maxUnappliedBytes)
        .snapshotChunkBytes(snapshotChunkBytes)
        .maxInflightSnapshotChunks(maxInflightSnapshotChunks)
        .snapshotTrailingEntries(snapshotTrailingEntries)
        .preVote(preVote)
        .checkQuorum(checkQuorum)
        .maxCatchUpLag(maxCatchUpLag)
        .catchUpTimeout(catchUpTimeout)
        .leaseReads(leaseReads)
        .maxClockDrift(maxClockDrift);
  }

  /** The shortest election timeout a follower draws; also the leader lease of PreVote and CheckQuorum. */
  public Duration electionTimeoutMin() {
    return electionTimeoutMin;
  }

  /** The longest election timeout a follower draws (inclusive). */
  public Duration electionTimeoutMax() {
    return electionTimeoutMax;
  }

  /** How often an idle leader sends heartbeats: a fifth of the minimum election timeout unless set. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** The most entries one AppendEntries carries. */
  public int maxEntriesPerAppend() {
    return maxEntriesPerAppend;
  }

  /** The byte budget of one AppendEntries; a single larger entry is still sent alone. */
  public long maxBytesPerAppend() {
    return maxBytesPerAppend;
  }

  /** How many AppendEntries a leader keeps unacknowledged per follower while pipelining. */
  public int maxInflightAppends() {
    return maxInflightAppends;
  }

  /** How many proposals a node keeps waiting for their outcome before it refuses new ones. */
  public int maxPendingProposals() {
    return maxPendingProposals;
  }

  /**
   * How many bytes of committed commands a node hands its driver to apply before the driver reports
   * them applied: the bound on the apply queue's memory when the state machine is slower than
   * commits. An entry larger than the bound still goes out, alone.
   */
  public long maxUnappliedBytes() {
    return maxUnappliedBytes;
  }

  /** How many payload bytes one InstallSnapshot chunk carries (the last chunk of a snapshot may carry fewer). */
  public int snapshotChunkBytes() {
    return snapshotChunkBytes;
  }

  /**
   * How many snapshot chunks a leader keeps unanswered per follower: with
   * {@link #snapshotChunkBytes()}, what bounds the memory a transfer takes on either side.
   */
  public int maxInflightSnapshotChunks() {
    return maxInflightSnapshotChunks;
  }

  /**
   * How many log entries a node keeps behind its newest snapshot when it compacts its log, so
   * that a follower a little behind catches up by log rather than by a whole snapshot.
   */
  public long snapshotTrailingEntries() {
    return snapshotTrailingEntries;
  }

  /** Whether a node runs a PreVote round before it starts an election (thesis §9.6). */
  public boolean preVote() {
    return preVote;
  }

  /**
   * Whether a leader steps down when it has not heard from a quorum within the minimum election
   * timeout (thesis §6.2). Whatever this says, a node ignores vote requests while it hears from a
   * leader (thesis §4.2.3), so that a server removed from the configuration cannot disrupt it.
   */
  public boolean checkQuorum() {
    return checkQuorum;
  }

  /**
   * How many entries a node may lag behind the leader's log and still be made a voter: a change
   * that adds voters waits until each of them is this close (Raft thesis §4.2.1), so that the new
   * configuration does not wait on a node that is still catching up to commit.
   */
  public long maxCatchUpLag() {
    return maxCatchUpLag;
  }

  /**
   * How long a change that adds voters waits for them to catch up before it fails. A node whose
   * state takes longer to copy is best added as a learner first, which needs no wait, and promoted
   * once it has caught up.
   */
  public Duration catchUpTimeout() {
    return catchUpTimeout;
  }

  /**
   * Whether a leader keeps a read lease (thesis §6.4.1), so that reads asked for with
   * {@link ReadMode#LEASE} are served without a round of messages. Off by default: a lease trusts
   * every node's clock to run within {@link #maxClockDrift()} of true time, and a clock that jumps
   * or runs faster than that (a VM migrated, a clock misconfigured) lets a deposed leader serve a
   * stale read. With it on, the leader sends a leadership check every heartbeat interval to keep
   * the lease.
   */
  public boolean leaseReads() {
    return leaseReads;
  }

  /**
   * The most any node's monotonic clock may run fast or slow, as a fraction of true time (0.01 is
   * 1%): a lease lasts the minimum election timeout times (1 - drift) / (1 + drift), counted from
   * when the leadership check that renewed it was sent. 0.1 unless set.
   */
  public double maxClockDrift() {
    return maxClockDrift;
  }

  /** How long a read lease lasts from when its leadership check was sent, on the leader's clock. */
  public Duration leaseDuration() {
    double factor = (1 - maxClockDrift) / (1 + maxClockDrift);
    return Duration.ofNanos((long) (electionTimeoutMin.toNanos() * factor));
  }

  @Override
  public String toString() {
    return "RaftConfig{electionTimeout=" + electionTimeoutMin.toMillis() + "-"
        + electionTimeoutMax.toMillis() + "ms, heartbeatInterval=" + heartbeatInterval.toMillis()
        + "ms, maxEntriesPerAppend=" + maxEntriesPerAppend + ", maxBytesPerAppend="
        + maxBytesPerAppend + ", maxInflightAppends=" + maxInflightAppends
        + ", maxPendingProposals=" + maxPendingProposals + ", maxUnappliedBytes=" + maxUnappliedBytes
        + ", snapshotChunkBytes=" + snapshotChunkBytes + ", maxInflightSnapshotChunks=" + maxInflightSnapshotChunks
        + ", snapshotTrailingEntries=" + snapshotTrailingEntries
        + ", preVote=" + preVote
        + ", checkQuorum=" + checkQuorum
        + ", maxCatchUpLag=" + maxCatchUpLag + ", catchUpTimeout=" + catchUpTimeout.toMillis() + "ms"
        + ", leaseReads=" + leaseReads + ", maxClockDrift=" + maxClockDrift + "}";
  }

  /** Collects values; {@link #build()} validates them all. */
  public static final class Builder {
    private Duration electionTimeoutMin = Duration.ofMillis(500);
    private Duration electionTimeoutMax = Duration.ofMillis(1000);
    /** Null: a fifth of the minimum election timeout. */
    private Duration heartbeatInterval;
    private int maxEntriesPerAppend = 1024;
    private long maxBytesPerAppend = 1024 * 1024;
    private int maxInflightAppends = 64;
    private int maxPendingProposals = 100_000;
    private long maxUnappliedBytes = 64L * 1024 * 1024;
    private int snapshotChunkBytes = 1024 * 1024;
    private int maxInflightSnapshotChunks = 4;
    private long snapshotTrailingEntries = 10_000;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private boolean leaseReads;
    private double maxClockDrift = 0.1;
    private long maxCatchUpLag = 1_000;
    private Duration catchUpTimeout = Duration.ofMinutes(2);

    private Builder() {}

    /** The range from which each election timeout is drawn, both ends inclusive. */
    public Builder electionTimeout(Duration min, Duration max) {
      this.electionTimeoutMin = min;
      this.electionTimeoutMax = max;
      return this;
    }

    /**
     * How often an idle leader sends heartbeats; at most half the minimum election timeout. Null, the
     * default, means a fifth of the minimum election timeout (at least 1 ms): 100 ms at the defaults.
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = interval;
      return this;
    }

    /** The most entries per AppendEntries. */
    public Builder maxEntriesPerAppend(int entries) {
      this.maxEntriesPerAppend = entries;
      return this;
    }

    /** The byte budget per AppendEntries. */
    public Builder maxBytesPerAppend(long bytes) {
      this.maxBytesPerAppend = bytes;
      return this;
    }

    /** The in-flight window per follower. */
    public Builder maxInflightAppends(int appends) {
      this.maxInflightAppends = appends;
      return this;
    }

    /** The bound on proposals awaiting their outcome. */
    public Builder maxPendingProposals(int proposals) {
      this.maxPendingProposals = proposals;
      return this;
    }

    /** The bound on committed command bytes handed out to be applied and not yet applied. */
    public Builder maxUnappliedBytes(long bytes) {
      this.maxUnappliedBytes = bytes;
      return this;
    }

    /** The payload bytes per InstallSnapshot chunk. */
    public Builder snapshotChunkBytes(int bytes) {
      this.snapshotChunkBytes = bytes;
      return this;
    }

    /** The snapshot chunks in flight per follower. */
    public Builder maxInflightSnapshotChunks(int chunks) {
      this.maxInflightSnapshotChunks = chunks;
      return this;
    }

    /** The log entries kept behind the newest snapshot when the log is compacted. */
    public Builder snapshotTrailingEntries(long entries) {
      this.snapshotTrailingEntries = entries;
      return this;
    }

    /** Turns PreVote on or off. */
    public Builder preVote(boolean enabled) {
      this.preVote = enabled;
      return this;
    }

    /** Turns CheckQuorum on or off. */
    public Builder checkQuorum(boolean enabled) {
      this.checkQuorum = enabled;
      return this;
    }

    /** How far behind the leader a node may be and still be made a voter. */
    public Builder maxCatchUpLag(long entries) {
      this.maxCatchUpLag = entries;
      return this;
    }

    /** How long a change that adds voters waits for them to catch up. */
    public Builder catchUpTimeout(Duration timeout) {
      this.catchUpTimeout = timeout;
      return this;
    }

    /** Turns read leases on or off ({@link RaftConfig#leaseReads()}). */
    public Builder leaseReads(boolean enabled) {
      this.leaseReads = enabled;
      return this;
    }

    /** The most a node's clock may run fast or slow, as a fraction of true time, from 0 to 0.5. */
    public Builder maxClockDrift(double drift) {
      this.maxClockDrift = drift;
      return this;
    }

    private Duration derivedHeartbeat() {
      Duration fifth = electionTimeoutMin.dividedBy(5);
      return fifth.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : fifth;
    }

    /**
     * Validates every value and builds the configuration.
     *
     * @throws IllegalArgumentException naming the first invalid field and its allowed range
     */
    public RaftConfig build() {
      requireDuration("electionTimeoutMin", electionTimeoutMin, Duration.ofMillis(2), MAX_ELECTION_TIMEOUT);
      requireDuration("electionTimeoutMax", electionTimeoutMax, Duration.ofMillis(2), MAX_ELECTION_TIMEOUT);
      if (electionTimeoutMax.compareTo(electionTimeoutMin) < 0) {
        throw new IllegalArgumentException("electionTimeoutMax (" + describe(electionTimeoutMax)
            + ") must be at least electionTimeoutMin (" + describe(electionTimeoutMin) + ")");
      }
      Duration heartbeat = heartbeatInterval == null ? derivedHeartbeat() : heartbeatInterval;
      requireDuration("heartbeatInterval", heartbeat, Duration.ofMillis(1), MAX_ELECTION_TIMEOUT);
      if (heartbeat.compareTo(electionTimeoutMin.dividedBy(2)) > 0) {
        throw new IllegalArgumentException("heartbeatInterval (" + describe(heartbeat)
            + ") must be at most half of electionTimeoutMin (" + describe(electionTimeoutMin)
            + "), so that followers hear from their leader before they time out");
      }
      requireRange("maxEntriesPerAppend", maxEntriesPerAppend, 1, MAX_ENTRIES_PER_APPEND_LIMIT);
      requireRange("maxBytesPerAppend", maxBytesPerAppend, 1, MAX_BYTES_PER_APPEND_LIMIT);
      requireRange("maxInflightAppends", maxInflightAppends, 1, MAX_INFLIGHT_APPENDS_LIMIT);
      requireRange("maxPendingProposals", maxPendingProposals, 1, MAX_PENDING_PROPOSALS_LIMIT);
      requireRange("maxUnappliedBytes", maxUnappliedBytes, 1, MAX_UNAPPLIED_BYTES_LIMIT);
      requireRange("snapshotChunkBytes", snapshotChunkBytes, 1, MAX_SNAPSHOT_CHUNK_BYTES_LIMIT);
      requireRange("maxInflightSnapshotChunks", maxInflightSnapshotChunks, 1, MAX_INFLIGHT_SNAPSHOT_CHUNKS_LIMIT);
      requireRange("snapshotTrailingEntries", snapshotTrailingEntries, 0, MAX_SNAPSHOT_TRAILING_ENTRIES_LIMIT);
      requireRange("maxCatchUpLag", maxCatchUpLag, 0, MAX_CATCH_UP_LAG_LIMIT);
      requireDuration("catchUpTimeout", catchUpTimeout, electionTimeoutMin, MAX_CATCH_UP_TIMEOUT);
      if (!(maxClockDrift >= 0 && maxClockDrift <= MAX_CLOCK_DRIFT_LIMIT)) {
        throw new IllegalArgumentException("maxClockDrift must be between 0 and " + MAX_CLOCK_DRIFT_LIMIT
            + ", got " + maxClockDrift);
      }
      return new RaftConfig(this, heartbeat);
    }

    private static void requireDuration(String field, Duration value, Duration min, Duration max) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must be set");
      }
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be between " + describe(min) + " and "
            + describe(max) + ", got " + describe(value));
      }
    }

    private static void requireRange(String field, long value, long min, long max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            field + " must be between " + min + " and " + max + ", got " + value);
      }
    }

    private static String describe(Duration duration) {
      long nanos = duration.toNanos();
      return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos + " ns";
    }
  }
}
