package io.keel.sim;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * Swarm testing of the protocol's settings: each seed draws its own batch size, in-flight window,
 * byte budget, election timeouts and heartbeat, PreVote and CheckQuorum, the bound on unapplied
 * bytes, whether state machines persist across crashes, how often they are snapshotted, whether
 * leaders keep read leases, and its own client load,
 * because many bugs hide behind one setting. With a thousand entries per AppendEntries a new
 * leader's no-op always travels with the old entries, so the Figure 8 shape never forms; with a
 * deep window and three light clients the window never fills. Drawn from a stream of the seed's
 * own, apart from the run's other draws.
 */
public final class ProtocolSwarm {

  private static final int[] ENTRIES_PER_APPEND = {1, 1, 2, 4, 16, 64, 1024, 1024, 1024};
  private static final int[] INFLIGHT_APPENDS = {1, 1, 2, 4, 16, 64, 64, 64};
  private static final int[][] ELECTION_TIMEOUTS_MILLIS = {{150, 300}, {150, 300}, {150, 300}, {100, 200},
      {150, 165}, {300, 600}};
  private static final int[] HEARTBEAT_DIVISORS = {3, 3, 3, 2, 6};

  /** A client load: how many clients propose, and how long each thinks between commands. */
  private record Load(int clients, Duration think) {}

  private static final Load LIGHT = new Load(3, Duration.ofMillis(10));
  private static final Load MODERATE = new Load(6, Duration.ofMillis(2));
  private static final Load HEAVY = new Load(12, Duration.ZERO);

  private ProtocolSwarm() {}

  /** {@code base} with the protocol settings and client load seed {@code base.seed()} draws. */
  public static SimulationConfig draw(SimulationConfig base) {
    SimRandom random = new SimRandom(base.seed() ^ 0x5EED_0F_5EEDL);
    long bits = random.nextLong(); // the first draw decides PreVote and CheckQuorum, as it always has
    int[] timeouts = pick(random, ELECTION_TIMEOUTS_MILLIS);
    int entriesPerAppend = pick(random, ENTRIES_PER_APPEND);
    RaftConfig raft = base.raft().toBuilder()
        .preVote((bits & 1) == 0)
        .checkQuorum((bits & 2) == 0)
        .maxEntriesPerAppend(entriesPerAppend)
        .maxInflightAppends(pick(random, INFLIGHT_APPENDS))
        .maxBytesPerAppend(random.chance(0.1) ? 200 : base.raft().maxBytesPerAppend())
        .electionTimeout(Duration.ofMillis(timeouts[0]), Duration.ofMillis(timeouts[1]))
        .heartbeatInterval(Duration.ofMillis(timeouts[0] / pick(random, HEARTBEAT_DIVISORS)))
        .build();
    Load load = load(random, entriesPerAppend);
    // Drawn last, so that the draws above stay what they were.
    if (random.chance(0.2)) {
      raft = raft.toBuilder().maxUnappliedBytes(2048).build(); // tens of commands out at a time, not millions
    }
    boolean persistent = random.chance(0.5);
    long snapshotEvery = random.chance(0.5) ? 1 + random.nextLong(500) : 0;
    if (snapshotEvery > 0) {
      // Small chunks and few kept entries, so that followers often catch up by snapshot, in many chunks.
      raft = raft.toBuilder()
          .snapshotChunkBytes(1 + (int) random.nextLong(8))
          .maxInflightSnapshotChunks(1 + (int) random.nextLong(4))
          .snapshotTrailingEntries(random.nextLong(snapshotEvery + 1))
          .build();
    }
    // Read leases for some seeds, drawn after everything else: the nemesis draws no clock jumps for
    // them, as a lease trusts clocks (LeaseReadScenarioTest shows a jump caught).
    raft = raft.toBuilder().leaseReads(random.chance(0.3)).build();
    return base.withRaft(raft).withClients(load.clients(), load.think())
        .withPersistentStateMachines(persistent).withSnapshotEveryEntries(snapshotEvery);
  }

  /**
   * Mostly light; heavier loads, which fill in-flight windows, only where appends carry enough
   * entries that the run's cost in events stays bounded (a heavy load one entry per append costs
   * a hundred times the events of a light one).
   */
  private static Load load(SimRandom random, int entriesPerAppend) {
    double draw = random.nextDouble();
    if (draw < 0.15 && entriesPerAppend >= 16) {
      return HEAVY;
    }
    if (draw < 0.35 && entriesPerAppend >= 4) {
      return MODERATE;
    }
    return LIGHT;
  }

  /** One line naming the protocol settings and load of {@code config}, printed with its seed. */
  public static String describe(SimulationConfig config) {
    RaftConfig raft = config.raft();
    return String.format(Locale.ROOT,
        "preVote=%s checkQuorum=%s entries/append=%d window=%d bytes/append=%d election=%d..%dms heartbeat=%dms "
            + "clients=%d think=%s unapplied-bytes=%d state-machines=%s snapshot-every=%d chunk=%d chunks=%d trailing=%d"
            + " lease-reads=%s",
        raft.preVote() ? "on" : "off", raft.checkQuorum() ? "on" : "off", raft.maxEntriesPerAppend(),
        raft.maxInflightAppends(), raft.maxBytesPerAppend(), raft.electionTimeoutMin().toMillis(),
        raft.electionTimeoutMax().toMillis(), raft.heartbeatInterval().toMillis(), config.clients(),
        Durations.format(config.clientThinkTime()), raft.maxUnappliedBytes(),
        config.persistentStateMachines() ? "persistent" : "in-memory", config.snapshotEveryEntries(),
        raft.snapshotChunkBytes(), raft.maxInflightSnapshotChunks(), raft.snapshotTrailingEntries(),
        raft.leaseReads() ? "on" : "off");
  }

  private static int pick(SimRandom random, int[] values) {
    return values[(int) random.nextLong(values.length)];
  }

  private static int[] pick(SimRandom random, int[][] values) {
    return values[(int) random.nextLong(values.length)];
  }
}
