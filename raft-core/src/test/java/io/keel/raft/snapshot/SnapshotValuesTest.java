package io.keel.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link SnapshotMeta} and {@link SnapshotInfo} refuse what no snapshot can be, naming it. */
class SnapshotValuesTest {

  private static final List<NodeId> VOTERS = List.of(NodeId.of("n1"), NodeId.of("n2"));

  @Test
  void aMetaStandsForAnIndexItsTermAndAConfigurationWithAVoter() {
    assertEquals(Configuration.ofVoters(VOTERS), new SnapshotMeta(5, 2, VOTERS).configuration());
    new SnapshotMeta(0, 0, VOTERS);
    assertMessage(() -> new SnapshotMeta(-1, 1, VOTERS), "must not be negative");
    assertMessage(() -> new SnapshotMeta(1, -1, VOTERS), "must not be negative");
    assertMessage(() -> new SnapshotMeta(5, 0, VOTERS), "0 exactly when its last index is 0");
    assertMessage(() -> new SnapshotMeta(0, 3, VOTERS), "0 exactly when its last index is 0");
    assertMessage(() -> new SnapshotMeta(5, 2, List.of()), "at least one voter");
    assertMessage(() -> new SnapshotMeta(5, 2, Configuration.NONE), "at least one voter");
    List<NodeId> many = IntStream.rangeClosed(0, Configuration.MAX_MEMBERS).mapToObj(i -> NodeId.of("n" + i)).toList();
    assertMessage(() -> new SnapshotMeta(5, 2, many), "at most 1024 members");
    assertThrows(NullPointerException.class, () -> new SnapshotMeta(5, 2, Arrays.asList(NodeId.of("n1"), null)));
  }

  @Test
  void aMetaKeepsItsOwnCopyOfTheVoters() {
    List<NodeId> voters = new ArrayList<>(VOTERS);
    SnapshotMeta meta = new SnapshotMeta(5, 2, voters);
    voters.add(NodeId.of("n3"));
    assertEquals(new TreeSet<>(VOTERS), meta.configuration().voters());
    assertThrows(UnsupportedOperationException.class, () -> meta.configuration().voters().add(NodeId.of("n4")));
  }

  @Test
  void anInfoHasASizeA32BitChecksumAndAName() {
    SnapshotMeta meta = new SnapshotMeta(5, 2, VOTERS);
    assertEquals(5, new SnapshotInfo(meta, 0, SnapshotInfo.MAX_CHECKSUM, "s").lastIndex());
    assertMessage(() -> new SnapshotInfo(meta, -1, 0, "s"), "size must not be negative");
    assertMessage(() -> new SnapshotInfo(meta, 1, -1, "s"), "CRC-32C");
    assertMessage(() -> new SnapshotInfo(meta, 1, 1L << 32, "s"), "CRC-32C");
    assertMessage(() -> new SnapshotInfo(meta, 1, 0, ""), "name");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable executable, String expected) {
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
  }
}
