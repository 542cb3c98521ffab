package io.keel.raft.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A client's unanswered span runs from its oldest unanswered command to its next number. */
class ClientSessionTest {

  @Test
  void the_span_runs_from_the_oldest_unanswered_command() {
    ClientSession session = new ClientSession(7, () -> 0);
    assertEquals(0, session.unansweredSpan());
    ClientSession.Command first = session.command(new byte[] {1});
    ClientSession.Command second = session.command(new byte[] {2});
    ClientSession.Command third = session.command(new byte[] {3});
    assertEquals(3, session.unansweredSpan());
    session.answered(second);
    assertEquals(3, session.unansweredSpan(), "the first is still unanswered: its result must be kept");
    session.answered(first);
    assertEquals(1, session.unansweredSpan());
    session.answered(third);
    assertEquals(0, session.unansweredSpan());
  }
}
