package io.keel.raft.runtime;

import io.keel.raft.protocol.RaftNode;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * How the snapshots a leader sends get on, for one group on the runtime: each outcome the
 * {@link SnapshotInstaller} reports goes to the node as an event on the group's loop.
 */
final class LoopInstallReports<R> implements SnapshotInstaller.Reports {

  private final Executor loop;
  private final Consumer<Consumer<RaftNode<R>>> onEvent;
  private final Snapshotter snapshotter;
  private final AppliedProgress applied;
  private final Consumer<Throwable> stateMachineLost;

  /**
   * @param loop the group's event loop
   * @param onEvent feeds one event to the node, on the loop
   * @param snapshotter the group's snapshotter, told of each install on the apply thread
   * @param applied the state machine's progress, which an install moves
   * @param stateMachineLost stops the group when a restore fails and leaves the state machine unknown
   */
  LoopInstallReports(Executor loop, Consumer<Consumer<RaftNode<R>>> onEvent, Snapshotter snapshotter,
      AppliedProgress applied, Consumer<Throwable> stateMachineLost) {
    this.loop = loop;
    this.onEvent = onEvent;
    this.snapshotter = snapshotter;
    this.applied = applied;
    this.stateMachineLost = stateMachineLost;
  }

  @Override
  public void chunkStored(SnapshotMeta meta, long position) {
    loop.execute(() -> onEvent.accept(raft -> raft.snapshots().onChunkStored(meta, position)));
  }

  @Override
  public void installed(SnapshotInfo info) {
    snapshotter.afterInstalled(info);
    loop.execute(() -> onEvent.accept(raft -> {
      raft.snapshots().onInstalled(info);
      applied.installed(info.lastIndex());
    }));
  }

  @Override
  public void failed(SnapshotMeta meta, Exception cause) {
    loop.execute(() -> onEvent.accept(raft -> raft.snapshots().onInstallFailed(meta, cause)));
  }

  @Override
  public void stateMachineLost(Throwable cause) {
    stateMachineLost.accept(cause);
  }
}
