package io.keel.sim;

/**
 * What the simulated client proposes: the next command, drawn from the simulator's seeded
 * randomness so that the run stays reproducible.
 */
@FunctionalInterface
public interface Workload {

  /** The next command to propose; {@code sequence} counts proposals from 1. */
  byte[] nextCommand(long sequence, SimRandom random);
}
