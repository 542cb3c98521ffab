package io.keel.raft.runtime;

import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;

/** Opens a group's snapshot store when the group starts; the runtime closes it when the group stops. */
@FunctionalInterface
public interface SnapshotStoreFactory {

  /** Opens the store; an exception fails the group's start. */
  SnapshotStore open() throws IOException;
}
