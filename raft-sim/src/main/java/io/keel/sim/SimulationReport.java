package io.keel.sim;

import java.util.Locale;

/**
 * What one simulation run did, and whether a safety property broke.
 *
 * @param seed the run's seed
 * @param nodes cluster size
 * @param simulatedMillis simulated time covered
 * @param events events processed
 * @param wallMillis real time taken
 * @param termsWithLeader how many terms elected a leader
 * @param firstLeaderMillis simulated time when the first leader was elected, or -1
 * @param proposals proposals made by the client
 * @param acknowledged proposals whose future completed with a result
 * @param refused proposals refused at once (no leader, or too many pending)
 * @param unknownOutcome proposals whose leader lost office or crashed before answering
 * @param committed entries committed (including leaders' no-op entries)
 * @param crashes node crashes injected
 * @param messagesSent messages handed to the network
 * @param messagesDropped messages the network lost
 * @param violation the broken property, or null
 */
public record SimulationReport(
    long seed,
    int nodes,
    long simulatedMillis,
    long events,
    long wallMillis,
    int termsWithLeader,
    long firstLeaderMillis,
    long proposals,
    long acknowledged,
    long refused,
    long unknownOutcome,
    long committed,
    int crashes,
    long messagesSent,
    long messagesDropped,
    String violation) {

  /** Whether every safety property held. */
  public boolean safe() {
    return violation == null;
  }

  /** A human-readable summary, a few lines long. */
  public String summary() {
    return String.format(Locale.ROOT,
        "seed %d: %d nodes, %.1f simulated seconds, %,d events in %,d ms%n"
            + "  leaders: %d terms elected a leader; the first after %d ms%n"
            + "  client: %,d proposals, %,d applied and acknowledged, %,d refused (no leader), %,d outcome unknown%n"
            + "  log: %,d entries committed; faults: %d leader crashes, %,d of %,d messages dropped%n"
            + "  safety: %s",
        seed, nodes, simulatedMillis / 1000.0, events, wallMillis, termsWithLeader, firstLeaderMillis,
        proposals, acknowledged, refused, unknownOutcome, committed, crashes, messagesDropped,
        messagesSent, safe() ? "every check held after every event" : "VIOLATED: " + violation);
  }
}
