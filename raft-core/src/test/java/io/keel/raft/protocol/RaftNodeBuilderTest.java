package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.storage.IgnoringListener;
import io.keel.raft.storage.InMemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node is refused at build time when what it is given cannot work. */
class RaftNodeBuilderTest {

  private static final NodeId A = NodeId.of("a");
  private static final NodeId B = NodeId.of("b");

  private static InMemoryLogStore store() {
    return new InMemoryLogStore(new IgnoringListener(), () -> 0L, 0);
  }

  private static RaftNodeBuilder<Object> complete(InMemoryLogStore store) {
    return RaftNode.builder()
        .id(A)
        .voters(List.of(A, B))
        .logStore(store)
        .transport((to, message) -> { });
  }

  @Test
  void missingPartsAreNamed() {
    assertEquals("transport", assertThrows(NullPointerException.class,
        () -> complete(store()).transport(null).start(0)).getMessage());
    assertEquals("logStore", assertThrows(NullPointerException.class,
        () -> complete(store()).logStore(null).start(0)).getMessage());
    assertEquals("voters (or join)", assertThrows(NullPointerException.class,
        () -> complete(store()).voters(null).start(0)).getMessage());
  }

  @Test
  void votersMustIncludeTheNode() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> complete(store()).voters(List.of(B)).start(0));
    assertEquals("voters [b] must include the node itself, a (a node added to a running group starts with join())",
        error.getMessage());
  }

  @Test
  void storeWhoseLogOutlivedItsHardStateAdoptsTheLogsLastTermWithNoVote() {
    InMemoryLogStore store = store();
    store.append(List.of(LogEntry.command(1, 5, new byte[] {1})));
    store.saveHardState(new HardState(3, B));
    store.reportAllDurable();
    RaftNode<Object> node = complete(store).start(0);
    assertEquals(5, node.currentTerm());
    assertTrue(node.votedFor().isEmpty(), "no vote in the adopted term");
    assertEquals(new HardState(5, null), store.hardState(), "the adopted term is saved");
    node.checkInvariants();
  }

  @Test
  void nodeStartsAsFollowerOfItsStoredTermWithItsVote() {
    InMemoryLogStore store = store();
    store.saveHardState(new HardState(7, B));
    store.reportAllDurable();
    RaftNode<Object> node = complete(store).start(1_000);
    assertEquals(Role.FOLLOWER, node.role());
    assertEquals(7, node.currentTerm());
    assertEquals(B, node.votedFor().orElseThrow());
    assertEquals(Configuration.ofVoters(List.of(A, B)), node.configuration());
    node.checkInvariants();
  }
}
