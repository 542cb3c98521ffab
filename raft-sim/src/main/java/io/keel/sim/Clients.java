package io.keel.sim;

import io.keel.raft.LeadershipLostException;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import io.keel.raft.protocol.RaftNode;
import io.keel.sim.EventQueue.Kind;
import io.keel.sim.check.Checkers;
import io.keel.sim.check.Liveness;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * The simulated clients. Each proposes one command at a time to the node it believes leads, waits
 * for the answer, and then thinks before the next. A refusal that names a leader sends it there; a
 * refusal without one, a lost leadership or a timeout sends the same command again (a new attempt)
 * to another node after a random backoff. Every answer is checked: an acknowledged attempt must be
 * committed once, with the result the client received.
 */
final class Clients {

  /** One try at getting a command committed. */
  record Attempt(long id, int client, byte[] payload, long submittedNanos) {}

  private record Reply(Attempt attempt, Object result, Throwable failure) {}

  private static final long HOP_NANOS = 100_000;

  private final SimulationConfig config;
  private final Workload workload;
  private final SimRandom random;
  private final EventQueue queue;
  private final LongSupplier clock;
  private final Checkers checkers;
  private final Liveness liveness;
  private final Map<NodeId, Integer> numbers;
  private final int[] target;
  private final byte[][] request;
  private final long[] currentAttempt;
  private long nextAttemptId = 1;
  private long requests;

  private long countFromNanos = -1;
  private long[] counted;

  long attempts;
  long acknowledged;
  long refused;
  long unknownOutcome;

  Clients(SimulationConfig config, Workload workload, SimRandom random, EventQueue queue, LongSupplier clock,
      Checkers checkers, Liveness liveness, Map<NodeId, Integer> numbers) {
    this.config = config;
    this.workload = workload;
    this.random = random;
    this.queue = queue;
    this.clock = clock;
    this.checkers = checkers;
    this.liveness = liveness;
    this.numbers = numbers;
    this.target = new int[config.clients()];
    this.request = new byte[config.clients()][];
    this.currentAttempt = new long[config.clients()];
  }

  /** Counts into {@code into[0]} every acknowledgement from {@code fromNanos} on (a reference run's rate). */
  void countAcknowledgedFrom(long fromNanos, long[] into) {
    this.countFromNanos = fromNanos;
    this.counted = into;
  }

  void start() {
    workload.start(clock);
    for (int client = 0; client < config.clients(); client++) {
      target[client] = randomNode();
      queue.schedule(random.between(0, Math.max(1, config.clientThinkTime().toNanos())), Kind.CLIENT_SEND,
          client, null, 0);
    }
  }

  /** The client sends its current command (a new one if the last was answered) as a new attempt. */
  void send(int client) {
    if (request[client] == null) {
      request[client] = workload.nextCommand(client, ++requests, random);
    }
    long now = clock.getAsLong();
    Attempt attempt = new Attempt(nextAttemptId++, client, request[client], now);
    currentAttempt[client] = attempt.id();
    attempts++;
    queue.schedule(now + HOP_NANOS, Kind.PROPOSE, target[client], attempt, 0);
    queue.schedule(now + config.clientTimeout().toNanos(), Kind.CLIENT_TIMEOUT, client, null, attempt.id());
  }

  /** A scripted client (numbered -1) sends one command to {@code node}; it never retries. */
  void sendScripted(int node) {
    long now = clock.getAsLong();
    Attempt attempt = new Attempt(nextAttemptId++, -1, workload.nextCommand(++requests, random), now);
    attempts++;
    queue.schedule(now + HOP_NANOS, Kind.PROPOSE, node, attempt, 0);
  }

  /** The attempt reaches its node (inside that node's event). */
  void propose(RaftNode<?> node, Attempt attempt) {
    CompletableFuture<?> future = node.propose(Envelope.wrap(attempt.id(), attempt.payload()));
    future.whenComplete((result, failure) -> queue.schedule(clock.getAsLong() + HOP_NANOS, Kind.CLIENT_REPLY,
        attempt.client(), new Reply(attempt, result, failure), 0));
  }

  /** The answer reaches the client. */
  void onReply(int client, Object payload) {
    Reply reply = (Reply) payload;
    Attempt attempt = reply.attempt();
    long now = clock.getAsLong();
    if (reply.failure() == null) {
      checkers.onAcknowledged(attempt.id(), reply.result(), now);
      if (countFromNanos >= 0 && now >= countFromNanos) {
        counted[0]++;
      }
      liveness.onAcknowledged(attempt.submittedNanos(), now);
    }
    if (client < 0) {
      if (reply.failure() == null) {
        acknowledged++;
      } else {
        refused++;
      }
      return;
    }
    if (currentAttempt[client] != attempt.id()) {
      return; // the client gave up on this attempt already
    }
    currentAttempt[client] = 0;
    Throwable failure = reply.failure() instanceof CompletionException wrapped ? wrapped.getCause() : reply.failure();
    if (failure == null) {
      acknowledged++;
      workload.onAnswered(client, reply.result());
      request[client] = null;
      queue.schedule(now + config.clientThinkTime().toNanos(), Kind.CLIENT_SEND, client, null, 0);
    } else if (failure instanceof NotLeaderException notLeader && notLeader.leader().isPresent()
        && numbers.containsKey(notLeader.leader().get())) {
      refused++;
      target[client] = numbers.get(notLeader.leader().get());
      queue.schedule(now + HOP_NANOS, Kind.CLIENT_SEND, client, null, 0);
    } else {
      if (failure instanceof LeadershipLostException) {
        unknownOutcome++;
      } else {
        refused++;
        if (workload.givesUp(client, failure)) {
          request[client] = null;
        }
      }
      retryElsewhere(client, now);
    }
  }

  /** The run ended without a violation: the workload's last judgement. */
  void atEnd() {
    workload.atEnd();
  }

  /** The client stops waiting for an attempt. */
  void onTimeout(int client, long attemptId) {
    if (currentAttempt[client] == attemptId) {
      currentAttempt[client] = 0;
      unknownOutcome++;
      retryElsewhere(client, clock.getAsLong());
    }
  }

  private void retryElsewhere(int client, long now) {
    target[client] = randomNode();
    queue.schedule(now + random.between(5_000_000, 50_000_000), Kind.CLIENT_SEND, client, null, 0);
  }

  private int randomNode() {
    return 1 + (int) random.nextLong(numbers.size()); // spares included: a client may ask any node
  }
}
