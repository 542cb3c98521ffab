package io.keel.raft.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Sessions against random logs: replicas that apply the same log answer alike, one restored from a
 * snapshot midway included; no command is applied twice, however often it is retried; and bytes
 * from the log either decode to an envelope that encodes back to exactly them, or are refused with
 * an {@link IllegalArgumentException}.
 */
class SessionProperties {

  static final SessionLimits LIMITS = new SessionLimits(Duration.ofMillis(500), 4, 3);

  /** One replica's answer to an entry: a value, or the exception's type and reason. */
  static String answer(SessionStateMachine<Long> machine, long index, byte[] entry) {
    try {
      return "ok " + machine.apply(index, entry);
    } catch (SessionException e) {
      return "refused " + e.reason();
    } catch (RuntimeException e) {
      return "failed " + e.getClass().getSimpleName();
    }
  }

  @Property(tries = 300)
  void replicasAnswerAlikeAndNoCommandIsAppliedTwice(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int snapshotAt)
      throws IOException {
    List<byte[]> log = randomLog(new Random(seed));
    Counter first = new Counter();
    SessionStateMachine<Long> replica = new SessionStateMachine<>(first, Counter.CODEC, LIMITS);
    Counter second = new Counter();
    SessionStateMachine<Long> other = new SessionStateMachine<>(second, Counter.CODEC, LIMITS);
    Set<String> applied = new HashSet<>();
    for (int index = 1; index <= log.size(); index++) {
      byte[] entry = log.get(index - 1);
      int before = first.applied.size();
      String answer = answer(replica, index, entry);
      if (first.applied.size() > before) {
        SessionEnvelope envelope = SessionEnvelope.decode(entry);
        assertTrue(applied.add(envelope.clientId() + "#" + envelope.sequence()),
            "command " + envelope.sequence() + " of client " + envelope.clientId() + " applied twice");
      }
      if (index == snapshotAt) {
        other = restoredFrom(replica, index);
        second = null;
      }
      if (index > snapshotAt || second != null) {
        assertEquals(answer, answer(other, index, entry), "the replicas differ at index " + index);
      }
    }
  }

  /**
   * A log of 300 session entries: clients register (some again), send commands (some negative,
   * which fail), retry earlier ones after unknown outcomes, and learn answers, which acknowledges
   * them in later commands; time moves on by up to 60 ms an entry, so sessions expire.
   */
  static List<byte[]> randomLog(Random random) {
    long[] clock = {0};
    List<ClientSession> clients = new ArrayList<>();
    List<ClientSession.Command> sent = new ArrayList<>();
    Map<ClientSession.Command, ClientSession> owners = new IdentityHashMap<>();
    List<byte[]> log = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      clock[0] += random.nextInt(60);
      int draw = random.nextInt(10);
      if (clients.isEmpty() || (draw == 0 && clients.size() < 6)) {
        ClientSession client = new ClientSession(clients.size() + 1, () -> clock[0]);
        clients.add(client);
        log.add(client.register());
      } else if (draw == 0) {
        log.add(clients.get(random.nextInt(clients.size())).register()); // registers again, after expiry say
      } else if (draw < 6) {
        ClientSession client = clients.get(random.nextInt(clients.size()));
        ClientSession.Command command = client.command(Counter.add(random.nextInt(5) - 1));
        sent.add(command);
        owners.put(command, client);
        log.add(command.encode());
      } else if (draw < 9 && !sent.isEmpty()) {
        log.add(sent.get(random.nextInt(sent.size())).retry()); // an unknown outcome, retried
      } else if (!sent.isEmpty()) {
        ClientSession.Command answered = sent.get(random.nextInt(sent.size()));
        owners.get(answered).answered(answered);
      }
    }
    return log;
  }

  private static SessionStateMachine<Long> restoredFrom(SessionStateMachine<Long> machine, long index) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = machine.snapshot()) {
      view.writeTo(bytes);
    }
    SessionStateMachine<Long> restored = new SessionStateMachine<>(new Counter(), Counter.CODEC, LIMITS);
    restored.restore(index, new ByteArrayInputStream(bytes.toByteArray()));
    return restored;
  }

  @Property(tries = 3_000)
  void logBytesDecodeToAnEnvelopeThatEncodesBackExactlyOrAreRefused(@ForAll byte[] bytes, @ForAll boolean header) {
    byte[] input = bytes;
    if (header && bytes.length >= 3) {
      input = bytes.clone();
      input[0] = 0x53;
      input[1] = 1;
      input[2] = (byte) (1 + Math.floorMod(bytes[2], 3));
    }
    SessionEnvelope envelope;
    try {
      envelope = SessionEnvelope.decode(input);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertArrayEquals(input, envelope.encode());
  }

  @Property(tries = 1_000)
  void everyEnvelopeSurvivesTheRoundTrip(@ForAll long clientId, @ForAll @IntRange(min = 1) int sequence,
      @ForAll @IntRange(min = 1) int acknowledgedBelow, @ForAll long time, @ForAll byte[] payload) {
    if (clientId == 0) {
      return;
    }
    SessionEnvelope command = SessionEnvelope.command(clientId, sequence, acknowledgedBelow, time, payload);
    assertEquals(command, SessionEnvelope.decode(command.encode()));
    SessionEnvelope register = SessionEnvelope.register(clientId, sequence, time);
    assertEquals(register, SessionEnvelope.decode(register.encode()));
  }
}
