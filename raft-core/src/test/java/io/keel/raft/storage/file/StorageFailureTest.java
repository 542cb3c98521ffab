package io.keel.raft.storage.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.StorageFailedException;
import io.keel.raft.protocol.CommittedEntry;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk or an I/O error surfaces as a storage failure; nothing after it is reported durable. */
class StorageFailureTest {

  @TempDir
  Path dir;

  private final RecordingListener listener = new RecordingListener();

  private static LogEntry entry(long index) {
    return LogEntry.command(index, 1, CrashChild.command(index, 1, 0));
  }

  /** Appends one entry at a time, each awaited, until the store fails; returns the last acknowledged. */
  private long appendUntilFailure(FileLogStore store) throws Exception {
    for (long index = 1; index <= 100; index++) {
      store.append(List.of(entry(index)));
      long appended = index;
      listenerAwait(() -> listener.logReports().contains(new RecordingListener.LogReport(appended, 1))
          || !listener.failures().isEmpty());
      if (!listener.failures().isEmpty()) {
        return index - 1;
      }
    }
    throw new AssertionError("the store never failed");
  }

  private static void listenerAwait(java.util.function.BooleanSupplier condition) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
  }

  private void checkFailedStore(FileLogStore store, long acknowledged, String expectedMessage) throws Exception {
    Exception failure = listener.awaitFailure();
    assertEquals(expectedMessage, failure.getMessage());
    LogStoreFailedException refusal = assertThrows(LogStoreFailedException.class,
        () -> store.append(List.of(entry(store.lastIndex() + 1))));
    assertTrue(refusal.getMessage().contains(expectedMessage), refusal.getMessage());
    assertThrows(LogStoreFailedException.class, () -> store.saveHardState(new HardState(3, null)));
    store.close();
    assertEquals(1, listener.failures().size(), "reported once");
    long lastReported = listener.logReports().get(listener.logReports().size() - 1).index();
    assertEquals(acknowledged, lastReported, "nothing reported durable after the failure");
    try (FileLogStore reopened = FileLogStore.open(dir, FileLogStoreOptions.defaults(), new RecordingListener())) {
      assertTrue(reopened.lastIndex() >= acknowledged, "acknowledged entries survive");
      for (long index = 1; index <= reopened.lastIndex(); index++) {
        assertEquals(entry(index), reopened.entry(index));
      }
    }
  }

  @Test
  void aFullDiskFailsTheStoreAndTheHalfWrittenRecordIsCutOnReopen() throws Exception {
    FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withFileIo(new FailingFileIo(8, 0)),
        listener);
    long acknowledged = appendUntilFailure(store);
    assertTrue(acknowledged >= 1, "some appends succeeded first");
    checkFailedStore(store, acknowledged, "No space left on device");
    try (FileLogStore reopened = FileLogStore.open(dir, FileLogStoreOptions.defaults(), new RecordingListener())) {
      assertEquals(acknowledged, reopened.lastIndex(), "the half-written record was cut");
    }
  }

  @Test
  void aFailedSyncFailsTheStore() throws Exception {
    FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withFileIo(new FailingFileIo(0, 12)),
        listener);
    long acknowledged = appendUntilFailure(store);
    checkFailedStore(store, acknowledged, "Input/output error");
  }

  @Test
  void aNodeStopsAndSaysWhyWhenItsStoreFails() throws Exception {
    LinkedBlockingQueue<java.util.function.Consumer<RaftNode<Integer>>> events = new LinkedBlockingQueue<>();
    DurabilityListener toNode = new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        events.add(node -> node.onLogDurable(sequence, index, term));
      }

      @Override
      public void hardStateDurable(HardState state) {
        events.add(node -> node.onHardStateDurable(state));
      }

      @Override
      public void storageFailed(Exception cause) {
        events.add(node -> node.onStorageFailure(cause));
      }
    };
    FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withFileIo(new FailingFileIo(6, 0)),
        toNode);
    int[] applied = {0};
    StateMachine<Integer> stateMachine = (index, command) -> ++applied[0];
    RaftNode<Integer> node = RaftNode.<Integer>builder()
        .id(NodeId.of("n1"))
        .voters(List.of(NodeId.of("n1")))
        .config(RaftConfig.defaults())
        .logStore(store)
        .transport((to, message) -> { })
        .randomSeed(1)
        .start(0);
    long[] now = {0};
    drive(node, stateMachine, events, now, () -> node.role() == Role.LEADER && node.commitIndex() >= 1);
    CompletableFuture<Integer> last = null;
    for (int i = 0; i < 20 && node.role() != Role.FAILED; i++) {
      last = node.propose(("command " + i).getBytes(StandardCharsets.UTF_8));
      CompletableFuture<Integer> proposal = last;
      drive(node, stateMachine, events, now, () -> proposal.isDone() || node.role() == Role.FAILED);
    }
    assertEquals(Role.FAILED, node.role(), "the node stopped");
    assertFalse(last.isDone() && !last.isCompletedExceptionally(), "the last proposal was not acknowledged");
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> node.propose(new byte[] {1}).get(1, TimeUnit.SECONDS));
    assertInstanceOf(StorageFailedException.class, refused.getCause());
    assertTrue(refused.getCause().getMessage().contains("No space left on device"), refused.getCause().getMessage());
    store.close();
  }

  private static void drive(RaftNode<Integer> node, StateMachine<Integer> stateMachine,
      LinkedBlockingQueue<java.util.function.Consumer<RaftNode<Integer>>> events, long[] now,
      java.util.function.BooleanSupplier until) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!until.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "the node did not get there: " + node);
      java.util.function.Consumer<RaftNode<Integer>> event = events.poll(5, TimeUnit.MILLISECONDS);
      if (event != null) {
        event.accept(node);
      } else {
        now[0] += TimeUnit.MILLISECONDS.toNanos(50);
        node.tick(now[0]);
      }
      CommittedEntry.applyAllNow(node, stateMachine);
    }
  }
}
