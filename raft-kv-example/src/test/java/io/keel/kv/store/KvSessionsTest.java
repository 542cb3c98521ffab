package io.keel.kv.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.session.ClientSession;
import io.keel.raft.session.SessionLimits;
import io.keel.raft.session.SessionStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The store in client sessions: a retried INCR applies once, also on a replica restored from a snapshot. */
class KvSessionsTest {

  private static final SessionLimits SESSIONS = new SessionLimits(Duration.ofMinutes(1), 16, 8);

  @Test
  void a_retried_increment_applies_once_and_its_answer_survives_a_snapshot() throws IOException {
    SessionStateMachine<KvResult> replica = KvStore.inSessions(KvLimits.DEFAULTS, SESSIONS);
    KvCodec codec = new KvCodec(KvLimits.DEFAULTS);
    ClientSession client = new ClientSession(42, () -> 1_000);
    replica.apply(1, client.register());
    ClientSession.Command incr = client.command(codec.encode(new KvCommand.IncrBy("n".getBytes(UTF_8), 5)));
    assertEquals(new KvResult.Number(5), replica.apply(2, incr.encode()));
    assertEquals(new KvResult.Number(5), replica.apply(3, incr.retry()), "the retry gets the first answer");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = replica.snapshot()) {
      view.writeTo(bytes);
    }
    SessionStateMachine<KvResult> restored = KvStore.inSessions(KvLimits.DEFAULTS, SESSIONS);
    restored.restore(3, new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(new KvResult.Number(5), restored.apply(4, incr.retry()), "and so does one after the install");
    assertArrayEquals("5".getBytes(UTF_8), ((KvStore) restored.inner()).get("n".getBytes(UTF_8)), "applied once");
  }
}
