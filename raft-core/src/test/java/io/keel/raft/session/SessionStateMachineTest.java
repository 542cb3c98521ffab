package io.keel.raft.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Exactly-once commands through client sessions (Raft thesis §6.3). */
class SessionStateMachineTest {

  private static final SessionLimits LIMITS = new SessionLimits(Duration.ofSeconds(10), 3, 4);

  private final AtomicLong clock = new AtomicLong(1_000);
  private final Counter counter = new Counter();
  private final SessionStateMachine<Long> machine = new SessionStateMachine<>(counter, Counter.CODEC, LIMITS);
  private long index;

  private Long apply(byte[] command) {
    return machine.apply(++index, command);
  }

  @Test
  void a_retried_command_is_applied_once_and_answered_with_the_same_result() {
    ClientSession session = new ClientSession(7, clock::get);
    assertNull(apply(session.register()));
    ClientSession.Command five = session.command(Counter.add(5));
    assertEquals(5L, apply(five.encode()));
    ClientSession.Command three = session.command(Counter.add(3));
    assertEquals(8L, apply(three.encode()));
    assertEquals(5L, apply(five.retry()), "the retry gets the first result, not a new one");
    assertEquals(8L, apply(three.encode()));
    assertEquals(List.of(5L, 3L), counter.applied, "each command applied once");
    assertEquals(2, machine.duplicatesAnswered());
  }

  @Test
  void a_command_of_a_session_never_registered_fails_on_every_replica_alike() {
    ClientSession stranger = new ClientSession(9, clock::get);
    SessionException refused = assertThrows(SessionException.class, () -> apply(stranger.command(Counter.add(1)).encode()));
    assertEquals(SessionException.Reason.UNKNOWN_SESSION, refused.reason());
    assertEquals(9, refused.clientId());
    assertTrue(counter.applied.isEmpty());
  }

  @Test
  void a_session_expires_by_the_time_the_log_carries_not_by_any_replicas_clock() {
    ClientSession idle = new ClientSession(1, clock::get);
    ClientSession busy = new ClientSession(2, clock::get);
    apply(idle.register());
    apply(busy.register());
    clock.addAndGet(9_999);
    apply(busy.command(Counter.add(1)).encode()); // 9.999 s later: both still open
    assertEquals(2, machine.sessions());
    clock.addAndGet(1);
    apply(busy.command(Counter.add(1)).encode()); // 10 s after idle's last command: it expires
    assertEquals(1, machine.sessions());
    assertEquals(1, machine.sessionsExpired());
    SessionException expired = assertThrows(SessionException.class, () -> apply(idle.command(Counter.add(1)).encode()));
    assertEquals(SessionException.Reason.UNKNOWN_SESSION, expired.reason());
  }

  @Test
  void a_client_registering_again_after_expiry_cannot_have_an_old_command_applied() {
    ClientSession session = new ClientSession(1, clock::get);
    apply(session.register());
    ClientSession.Command lost = session.command(Counter.add(1)); // its outcome never reached the client
    apply(lost.encode());
    clock.addAndGet(10_000);
    apply(new ClientSession(2, clock::get).register()); // the table's time passes session 1's timeout
    assertEquals(SessionException.Reason.UNKNOWN_SESSION,
        assertThrows(SessionException.class, () -> apply(lost.retry())).reason());
    apply(session.register()); // a new session, numbered from 2
    assertEquals(SessionException.Reason.RESULT_DISCARDED,
        assertThrows(SessionException.class, () -> apply(lost.retry())).reason(), "applied once already, maybe");
    assertEquals(3L, apply(session.command(Counter.add(2)).encode()));
    assertEquals(List.of(1L, 2L), counter.applied);
  }

  @Test
  void time_never_goes_back_when_a_node_with_a_slower_clock_proposes() {
    ClientSession session = new ClientSession(1, clock::get);
    apply(session.register());
    clock.set(20_000);
    ClientSession other = new ClientSession(2, clock::get);
    apply(other.register()); // session 1 expired at 11 s
    clock.set(500); // a new leader whose clock is behind
    assertThrows(SessionException.class, () -> apply(session.command(Counter.add(1)).encode()));
    apply(other.command(Counter.add(1)).encode());
    assertEquals(1, machine.sessions(), "session 2 stays open: the table's time is still 20 s");
  }

  @Test
  void a_full_table_evicts_the_session_idle_longest() {
    for (long id = 1; id <= 3; id++) {
      apply(new ClientSession(id, clock::get).register());
      clock.addAndGet(1);
    }
    ClientSession first = new ClientSession(1, clock::get);
    apply(first.command(Counter.add(1)).encode()); // session 1 is now the most recently active
    apply(new ClientSession(4, clock::get).register());
    assertEquals(3, machine.sessions());
    assertEquals(1, machine.sessionsEvicted());
    assertEquals(SessionException.Reason.UNKNOWN_SESSION, assertThrows(SessionException.class,
        () -> apply(new ClientSession(2, clock::get).command(Counter.add(1)).encode())).reason(), "2 idled longest");
    apply(first.command(Counter.add(1)).encode());
  }

  @Test
  void a_result_the_client_acknowledged_or_the_limit_dropped_is_refused_never_applied_again() {
    ClientSession session = new ClientSession(1, clock::get);
    apply(session.register());
    ClientSession.Command first = session.command(Counter.add(1));
    apply(first.encode());
    session.answered(first);
    apply(session.command(Counter.add(2)).encode()); // tells the table that 1 was answered
    SessionException discarded = assertThrows(SessionException.class, () -> apply(first.retry()));
    assertEquals(SessionException.Reason.RESULT_DISCARDED, discarded.reason());

    ClientSession.Command[] unanswered = new ClientSession.Command[6];
    for (int i = 0; i < unanswered.length; i++) {
      unanswered[i] = session.command(Counter.add(10));
      apply(unanswered[i].encode());
    }
    // Four results kept at most: the oldest unanswered ones were dropped, and their retries refused.
    assertEquals(SessionException.Reason.RESULT_DISCARDED,
        assertThrows(SessionException.class, () -> apply(unanswered[0].retry())).reason());
    assertEquals(63L, apply(unanswered[5].retry()));
    assertEquals(8, counter.applied.size(), "nothing applied twice");
  }

  @Test
  void a_command_that_threw_throws_on_its_first_application_and_its_retry_says_so() {
    ClientSession session = new ClientSession(1, clock::get);
    apply(session.register());
    ClientSession.Command bad = session.command(Counter.add(-1));
    assertThrows(IllegalArgumentException.class, () -> apply(bad.encode()));
    SessionCommandFailedException again = assertThrows(SessionCommandFailedException.class, () -> apply(bad.retry()));
    assertEquals(IllegalArgumentException.class.getName(), again.failureType());
    assertEquals(1, counter.applied.size());
  }

  @Test
  void a_replica_restored_from_a_snapshot_answers_retries_as_the_one_that_took_it() throws IOException {
    ClientSession session = new ClientSession(1, clock::get);
    apply(session.register());
    ClientSession.Command kept = session.command(Counter.add(4));
    apply(kept.encode());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = machine.snapshot()) {
      apply(session.command(Counter.add(100)).encode()); // after the view: not in it
      view.writeTo(bytes);
    }
    Counter restoredCounter = new Counter();
    SessionStateMachine<Long> restored = new SessionStateMachine<>(restoredCounter, Counter.CODEC, LIMITS);
    restored.restore(index, new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(4L, restored.apply(index + 1, kept.retry()), "the kept result survives the snapshot");
    assertTrue(restoredCounter.applied.isEmpty(), "and is not applied again");
    assertEquals(4L, restoredCounter.total);
    assertEquals(1, restored.sessions());
  }

  @Test
  void a_corrupt_session_table_in_a_snapshot_is_refused_with_a_clear_error() {
    SessionStateMachine<Long> fresh = new SessionStateMachine<>(new Counter(), Counter.CODEC, LIMITS);
    byte[] tooMany = {0, 0, 0, 1, /* time */ 0, 0, 0, 0, 0, 0, 0, 0, /* sessions */ 0, 0, 0, 9};
    IOException error = assertThrows(IOException.class, () -> fresh.restore(1, new ByteArrayInputStream(tooMany)));
    assertTrue(error.getMessage().contains("holds 9 sessions, the limit is 3"), error.getMessage());
    byte[] version = {0, 0, 0, 2};
    assertThrows(IOException.class, () -> fresh.restore(1, new ByteArrayInputStream(version)));
  }

  @Test
  void a_persistent_state_machine_cannot_be_wrapped_since_the_table_would_not_be_rebuilt() {
    StateMachine<Long> persistent = new StateMachine<>() {
      @Override
      public Long apply(long index, byte[] command) {
        return 0L;
      }

      @Override
      public long appliedIndex() {
        return 12;
      }
    };
    SessionStateMachine<Long> wrapped = new SessionStateMachine<>(persistent, Counter.CODEC, LIMITS);
    assertThrows(IllegalStateException.class, wrapped::appliedIndex);
  }

  @Test
  void what_is_no_session_command_fails_its_proposal_with_a_clear_error() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> apply(Counter.add(5)));
    assertTrue(error.getMessage().startsWith("not a session command"), error.getMessage());
  }
}
