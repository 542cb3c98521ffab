package io.keel.sim.check;

import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * One property checked after every event of a simulation. Implementations keep what they need
 * from earlier events and throw {@link Violation} when the property breaks.
 */
public interface Invariant {

  /**
   * Checks the cluster after an event that touched {@code touched} (a node event), or after a
   * cluster-wide event such as a fault ({@code touched} null). Crashed nodes are in {@code nodes}
   * too; their disks still hold what survived.
   */
  void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched);
}
