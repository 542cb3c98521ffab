package io.keel.raft.storage;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;

/** A durability listener for tests that drive a store without a node behind it. */
public final class IgnoringListener implements DurabilityListener {

  @Override
  public void logDurable(long sequence, long index, long term) {}

  @Override
  public void hardStateDurable(HardState state) {}

  @Override
  public void storageFailed(Exception cause) {}
}
