package io.keel.raft.snapshot;

/** The {@link SnapshotStore} contract on the {@link InMemorySnapshotStore}, crashed by its {@code crash()}. */
class InMemorySnapshotStoreTest extends SnapshotStoreContract {

  @Override
  protected SnapshotStore newStore() {
    return new InMemorySnapshotStore();
  }

  @Override
  protected SnapshotStore crashAndRestart(SnapshotStore store) {
    return ((InMemorySnapshotStore) store).crash();
  }

  @Override
  protected long largePayloadBytes() {
    return 64L << 20; // held in memory by design; the file store streams hundreds of megabytes
  }

  @Override
  protected void cleanUp() {
    // nothing outlives the heap
  }
}
