package io.keel.sim;

import java.util.Locale;

/**
 * What one simulation run did, and whether a property broke.
 *
 * @param seed the run's seed
 * @param nodes cluster size
 * @param faultRates the fault rates the seed drew, or "scripted schedule"
 * @param simulatedNanos simulated time covered
 * @param events events processed
 * @param wallNanos real time taken
 * @param termsWithLeader how many terms elected a leader
 * @param firstLeaderNanos simulated time when the first leader was elected, or -1
 * @param attempts proposals the clients sent (every retry counts)
 * @param acknowledged attempts whose command was applied and acknowledged
 * @param refused attempts refused at once (not the leader, too many pending, storage failed)
 * @param unknownOutcome attempts whose leader lost office, or that timed out
 * @param committed entries committed (including leaders' no-op entries)
 * @param crashes node crashes
 * @param restarts node restarts
 * @param partitions partitions that cut links
 * @param pauses node pauses
 * @param messagesSent messages handed to the network
 * @param messagesDropped messages lost, to loss or partitions
 * @param messagesDuplicated messages delivered twice
 * @param messagesForged messages a lying member forged ({@link FaultKind#ROGUE})
 * @param impossibleMessages messages nodes refused because no correct peer could have sent them
 * @param snapshotsTaken snapshots the nodes took of their state machines and stored
 * @param snapshotsInstalled snapshots followers installed from a leader
 * @param flushedRunsLost runs of applies that persistent state machines had flushed and a crash
 *     took back (their stores reopened at a lower applied index), which the nodes then replayed
 * @param readsServed linearizable reads served and checked
 * @param leaseReadsServed how many of them a leader served by its lease
 * @param membershipChanges membership changes and leadership transfers asked for that completed
 * @param traceHash a hash of every event and the state it left: equal for two runs of one seed
 * @param violation the broken property and how, or null
 * @param livelock whether the violation is a liveness failure
 */
public record SimulationReport(
    long seed,
    int nodes,
    String faultRates,
    long simulatedNanos,
    long events,
    long wallNanos,
    int termsWithLeader,
    long firstLeaderNanos,
    long attempts,
    long acknowledged,
    long refused,
    long unknownOutcome,
    long committed,
    int crashes,
    int restarts,
    int partitions,
    int pauses,
    long messagesSent,
    long messagesDropped,
    long messagesDuplicated,
    long messagesForged,
    long impossibleMessages,
    long snapshotsTaken,
    long snapshotsInstalled,
    long flushedRunsLost,
    long readsServed,
    long leaseReadsServed,
    long membershipChanges,
    long traceHash,
    String violation,
    boolean livelock) {

  /** Whether every safety and liveness property held. */
  public boolean ok() {
    return violation == null;
  }

  /** Whether every safety property held (a livelock is not a safety violation). */
  public boolean safe() {
    return violation == null || livelock;
  }

  /** A human-readable summary, a few lines long. */
  public String summary() {
    return String.format(Locale.ROOT,
        "seed %d: %d nodes, %.1f simulated seconds, %,d events in %,d ms%n"
            + "  faults: %s%n"
            + "  injected: %d crashes, %d restarts, %d partitions, %d pauses; %,d of %,d messages lost, %,d duplicated%n"
            + "  leaders: %d terms elected a leader; the first after %s%n"
            + "  clients: %,d attempts, %,d acknowledged, %,d refused, %,d outcome unknown; %,d entries committed%n"
            + "%s"
            + "%s"
            + "%s"
            + "%s"
            + "  checks: %s",
        seed, nodes, simulatedNanos / 1e9, events, wallNanos / 1_000_000, faultRates, crashes, restarts,
        partitions, pauses, messagesDropped, messagesSent, messagesDuplicated, termsWithLeader,
        firstLeaderNanos < 0 ? "never" : Durations.formatNanos(firstLeaderNanos), attempts, acknowledged, refused,
        unknownOutcome, committed,
        messagesForged == 0 ? "" : String.format(Locale.ROOT, "  rogue: %,d messages forged, %,d refused as impossible%n",
            messagesForged, impossibleMessages),
        snapshotsTaken == 0 && snapshotsInstalled == 0 ? ""
            : String.format(Locale.ROOT, "  snapshots: %,d taken, %,d installed from a leader%n", snapshotsTaken,
                snapshotsInstalled),
        flushedRunsLost == 0 ? ""
            : String.format(Locale.ROOT, "  persistent state machines: %,d flushed runs taken back by crashes, replayed%n",
                flushedRunsLost),
        readsServed == 0 ? "" : String.format(Locale.ROOT, "  reads: %,d served and checked, %,d of them by lease%n",
            readsServed, leaseReadsServed),
        ok() ? "every property held after every event" : (livelock ? "LIVELOCK: " : "VIOLATED: ") + violation);
  }
}
