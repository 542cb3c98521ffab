package io.keel.raft.session;

import java.time.Duration;

/**
 * What bounds the session table, which every replica keeps in memory and in every snapshot.
 *
 * @param timeout a session without commands for this long, by the time the log carries, expires
 * @param maxSessions the most sessions kept; registering one more evicts the one idle longest
 * @param maxResultsPerSession the most results a session keeps for commands its client has not yet
 *     acknowledged; one more discards the oldest (a retry of that command is then refused with
 *     {@link SessionException.Reason#RESULT_DISCARDED}, never applied twice)
 */
public record SessionLimits(Duration timeout, int maxSessions, int maxResultsPerSession) {

  /** Five minutes, 100,000 sessions, 128 results each. */
  public static final SessionLimits DEFAULTS = new SessionLimits(Duration.ofMinutes(5), 100_000, 128);

  /** Validates the limits. */
  public SessionLimits {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (maxSessions < 1 || maxSessions > 100_000_000) {
      throw new IllegalArgumentException("maxSessions must be between 1 and 100000000, got " + maxSessions);
    }
    if (maxResultsPerSession < 1 || maxResultsPerSession > 1_000_000) {
      throw new IllegalArgumentException("maxResultsPerSession must be between 1 and 1000000, got " + maxResultsPerSession);
    }
  }
}
