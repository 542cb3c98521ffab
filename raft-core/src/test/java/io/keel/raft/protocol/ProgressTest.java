package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private final Progress progress = new Progress(NodeId.of("f"), 11, 3, 0);

  @Test
  void probeSendsOneAppendAtATimeThenReplicates() {
    assertEquals(Progress.State.PROBE, progress.state());
    assertFalse(progress.isPaused());
    progress.onAppendSent(12, 0);
    assertTrue(progress.isPaused(), "one probe in flight");
    assertEquals(11, progress.nextIndex(), "probing does not advance nextIndex");
    assertTrue(progress.onAccepted(12));
    assertEquals(Progress.State.REPLICATE, progress.state());
    assertEquals(13, progress.nextIndex());
    progress.checkInvariants(20);
  }

  @Test
  void replicateStreamsUpToTheWindow() {
    progress.onAccepted(10);
    assertEquals(Progress.State.REPLICATE, progress.state());
    progress.onAppendSent(12, 1);
    progress.onAppendSent(14, 2);
    progress.onAppendSent(15, 3);
    assertTrue(progress.isPaused());
    assertEquals(16, progress.nextIndex());
    progress.onAccepted(14);
    assertEquals(1, progress.inflightCount());
    assertFalse(progress.isPaused());
    assertFalse(progress.hasStalledAppend(10, 8), "sent at 3, only 7 ago");
    assertTrue(progress.hasStalledAppend(11, 8));
  }

  @Test
  void rejectionMovesBackButNeverBelowMatch() {
    progress.onAccepted(10);
    progress.onAppendSent(15, 0);
    assertFalse(progress.onRejected(9, 3), "stale: below the match index");
    assertTrue(progress.onRejected(15, 3));
    assertEquals(Progress.State.PROBE, progress.state());
    assertEquals(11, progress.nextIndex(), "clamped to match + 1");
    assertFalse(progress.onRejected(12, 3), "in probe, only the answer to the current probe counts");
  }

  @Test
  void aProbeAtTheMatchIndexIgnoresARejectionThere() {
    progress.onAccepted(10);
    progress.becomeProbe(); // as after a stalled append: the probe goes out at the match index
    assertEquals(11, progress.nextIndex());
    progress.onAppendSent(10, 0);
    assertFalse(progress.onRejected(10, 3), "index 10 was acknowledged: the rejection is a late duplicate");
    assertTrue(progress.isPaused(), "no second probe answers it");
    assertEquals(11, progress.nextIndex());
  }

  @Test
  void inflightsRejectMisuse() {
    Inflights inflights = new Inflights(2);
    inflights.add(5, 0);
    assertThrows(IllegalStateException.class, () -> inflights.add(5, 0));
    inflights.add(7, 0);
    assertThrows(IllegalStateException.class, () -> inflights.add(9, 0));
    inflights.freeUpTo(6);
    assertEquals(1, inflights.size());
    inflights.add(9, 0);
    inflights.freeUpTo(100);
    assertTrue(inflights.isEmpty());
    assertThrows(IllegalStateException.class, inflights::oldestSentNanos);
  }
}
