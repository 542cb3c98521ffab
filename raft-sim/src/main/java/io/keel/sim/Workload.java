package io.keel.sim;

import java.util.function.LongSupplier;

/**
 * What the simulated client proposes: the next command, drawn from the simulator's seeded
 * randomness so that the run stays reproducible. A workload that follows each client (sessions,
 * histories) also hears how each command ended.
 */
@FunctionalInterface
public interface Workload {

  /** The next command to propose; {@code sequence} counts proposals from 1. */
  byte[] nextCommand(long sequence, SimRandom random);

  /** The run starts; {@code clockNanos} is its simulated time, which histories are recorded on. */
  default void start(LongSupplier clockNanos) {}

  /** The next command of client {@code client}; by default {@link #nextCommand(long, SimRandom)}. */
  default byte[] nextCommand(int client, long sequence, SimRandom random) {
    return nextCommand(sequence, random);
  }

  /** Client {@code client}'s current command was answered with {@code result}. */
  default void onAnswered(int client, Object result) {}

  /**
   * Client {@code client}'s current command failed with {@code failure}, neither a redirect to the
   * leader nor a lost leadership: whether the client gives the command up (its next send draws a
   * new one) rather than sending it again elsewhere.
   */
  default boolean givesUp(int client, Throwable failure) {
    return false;
  }

  /** The run ended without a violation: a last judgement (a history's), which may throw one. */
  default void atEnd() {}
}
