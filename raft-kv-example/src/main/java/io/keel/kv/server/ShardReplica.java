package io.keel.kv.server;

import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvState;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import io.keel.raft.ReadFailedException;
import io.keel.raft.ReadMode;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.session.ClientSession;
import io.keel.raft.session.SessionEnvelope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's replica of one group of the service, and the way its clients' requests reach the
 * group: writes go into one of the node's {@link SessionPool client sessions} and are proposed here
 * when this node leads, or handed to the leader otherwise, and retried with the same number until
 * they are answered or the write timeout passes; reads are linearizable reads of the replica (or
 * local ones). Safe to use from any thread.
 */
public final class ShardReplica {

  private static final Logger LOG = LoggerFactory.getLogger(ShardReplica.class);

  private static final long FIRST_BACKOFF_MILLIS = 5;
  private static final long MAX_BACKOFF_MILLIS = 200;

  private final int index;
  private final NodeId self;
  private final KvState store;
  private final KvCodec codec;
  private final LeaderLink link;
  private final ScheduledExecutorService timers;
  private final long timeoutMillis;
  private final SessionPool sessions = new SessionPool(this::register);
  private volatile RaftGroup<KvResult> group;
  private volatile NodeId leader;

  ShardReplica(int index, NodeId self, KvState store, KvCodec codec, LeaderLink link,
      ScheduledExecutorService timers, Duration timeout) {
    this.index = index;
    this.self = self;
    this.store = store;
    this.codec = codec;
    this.link = link;
    this.timers = timers;
    this.timeoutMillis = timeout.toMillis();
  }

  void started(RaftGroup<KvResult> started) {
    this.group = started;
  }

  /** Hears the group's role and leader changes (on its apply thread). */
  void statusChanged(GroupStatus previous, GroupStatus current) {
    leader = current.isLeader() ? self : current.leader().orElse(null);
  }

  /** The group's index in the key space. */
  public int index() {
    return index;
  }

  /** This node's replica of the group. */
  public RaftGroup<KvResult> group() {
    return group;
  }

  /** The replica's store; read it only as {@link KvState} allows. */
  public KvState store() {
    return store;
  }

  /** The leader this node knows of, if any. */
  public Optional<NodeId> leader() {
    return Optional.ofNullable(leader);
  }

  /** How many client sessions this node has open in the group. */
  public int sessions() {
    return sessions.size();
  }

  // ------------------------------------------------------------------ writes

  /**
   * Writes {@code command} exactly once: the future holds its result, or fails with a
   * {@link ServiceException} ({@code ERR} for a command beyond the limits, {@code TRYAGAIN} when no
   * leader took it in time, {@code UNKNOWN} when the node cannot know whether it applied).
   */
  public CompletableFuture<KvResult> write(KvCommand command) {
    byte[] payload;
    try {
      payload = codec.encode(command);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new ServiceException("ERR " + e.getMessage()));
    }
    Write write = new Write(payload, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    write.start();
    return write.done;
  }

  private CompletableFuture<Void> register(SessionPool.Pooled pooled) {
    Write registration = new Write(pooled, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    registration.attempt();
    return registration.done.thenApply(result -> null);
  }

  private CompletableFuture<KvResult> submit(byte[] envelope) {
    NodeId known = leader;
    if (self.equals(known)) {
      return group.propose(envelope);
    }
    if (known == null) {
      return CompletableFuture.failedFuture(new WriteFailure(WriteFailure.Kind.REFUSED, "no leader known", null));
    }
    return link.propose(known, index, envelope);
  }

  /** One write (or one session's registration) and its attempts. */
  private final class Write {
    final CompletableFuture<KvResult> done = new CompletableFuture<>();
    private final byte[] payload;
    private final long deadlineNanos;
    private final boolean registration;
    private SessionPool.Pooled pooled;
    private ClientSession.Command command;
    private int attempts;
    private boolean uncertain;

    Write(byte[] payload, long deadlineNanos) {
      this.payload = payload;
      this.deadlineNanos = deadlineNanos;
      this.registration = false;
    }

    Write(SessionPool.Pooled session, long deadlineNanos) {
      this.payload = null;
      this.deadlineNanos = deadlineNanos;
      this.registration = true;
      this.pooled = session;
    }

    void start() {
      SessionPool.Pooled taken = sessions.acquire();
      taken.registered().whenComplete((ok, failure) -> {
        if (failure != null) {
          sessions.release(taken);
          done.completeExceptionally(new ServiceException("TRYAGAIN the node could not open a session in group "
              + index + ": " + WriteFailure.unwrap(failure).getMessage()));
          return;
        }
        pooled = taken;
        command = taken.command(payload);
        sessions.release(taken); // the reservation became an unanswered number
        attempts = 0;
        uncertain = false;
        attempt();
      });
    }

    void attempt() {
      byte[] envelope = registration ? pooled.registration()
          : attempts == 0 ? pooled.first(command) : pooled.retry(command);
      attempts++;
      CompletableFuture<KvResult> answer;
      try {
        answer = submit(envelope);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.orTimeout(Math.max(1, remainingMillis()), TimeUnit.MILLISECONDS).whenComplete((result, failure) -> {
        if (failure == null) {
          succeed(result);
        } else {
          failed(WriteFailure.classify(failure));
        }
      });
    }

    private void succeed(KvResult result) {
      if (!registration) {
        pooled.answered(command);
      }
      done.complete(result);
    }

    private void failed(WriteFailure failure) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("group {}: attempt {} of {} failed: {} {}", index, attempts,
            registration ? "a registration" : "write " + command.sequence() + " of session " + pooled.clientId(),
            failure.kind(), failure.getMessage());
      }
      switch (failure.kind()) {
        case REFUSED, UNCERTAIN -> {
          uncertain |= failure.kind() == WriteFailure.Kind.UNCERTAIN;
          if (remainingMillis() <= 0) {
            finish(uncertain ? "UNKNOWN the write may or may not have applied: no answer within " + timeoutMillis
                + " ms (" + failure.getMessage() + ")"
                : "TRYAGAIN no leader of group " + index + " took the write within " + timeoutMillis + " ms ("
                    + failure.getMessage() + ")");
          } else {
            timers.schedule(this::attempt, Math.min(backoff(attempts), remainingMillis()), TimeUnit.MILLISECONDS);
          }
        }
        case UNKNOWN_SESSION -> {
          sessions.discard(pooled);
          if (!registration && !uncertain) {
            start(); // this attempt did not apply, and no earlier one can have: once more, in a fresh session
          } else {
            finish("UNKNOWN the node's session in group " + index + " expired while the write's outcome was unknown");
          }
        }
        case RESULT_DISCARDED -> finish("UNKNOWN the write applied, but its result is no longer kept");
        case FAILED -> finish("ERR " + failure.getMessage());
        default -> throw new IllegalStateException("unknown failure " + failure.kind());
      }
    }

    /**
     * Gives up with {@code error}. The write's number counts as answered: the group may forget its
     * result, and an attempt still in some log can no longer apply (it finds its result discarded).
     */
    private void finish(String error) {
      if (!registration) {
        pooled.answered(command);
      }
      done.completeExceptionally(new ServiceException(error));
    }

    private long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
  }

  // ------------------------------------------------------------------ a leader's side of forwarding

  /**
   * Proposes a session command another node forwarded, after checking it as any input from the
   * network: it must be a session command holding a command of the store. The time it carries is
   * replaced by this node's, as if this node had made it. The future holds the encoded result
   * (null for a registration) or fails as {@link #write} attempts do.
   */
  public CompletableFuture<byte[]> proposeForwarded(byte[] bytes) {
    SessionEnvelope received;
    try {
      received = SessionEnvelope.decode(bytes);
      if (received.kind() == SessionEnvelope.Kind.COMMAND) {
        codec.decodeCommand(received.payload());
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new WriteFailure(WriteFailure.Kind.FAILED,
          "a forwarded command that is none: " + e.getMessage(), null));
    }
    long now = System.currentTimeMillis();
    SessionEnvelope stamped = switch (received.kind()) {
      case REGISTER -> SessionEnvelope.register(received.clientId(), received.sequence(), now);
      case CLOSE -> SessionEnvelope.close(received.clientId(), now);
      case COMMAND -> SessionEnvelope.command(received.clientId(), received.sequence(), received.acknowledgedBelow(),
          now, received.payload());
    };
    return group.propose(stamped.encode()).thenApply(result -> result == null ? null : codec.encode(result));
  }

  /** The error a leader answers a forwarded command with, when proposing it failed with {@code failure}. */
  public String forwardedFailure(Throwable failure) {
    return WriteFailure.classify(failure).toWire();
  }

  // ------------------------------------------------------------------ reads

  /**
   * Runs {@code query} against the store once the replica has applied every write committed before
   * this call ({@code mode} says how that is confirmed), retrying while no leader is known or a
   * confirmation fails, until the timeout; it then fails with a {@code TRYAGAIN}
   * {@link ServiceException}.
   */
  public <T> CompletableFuture<T> read(ReadMode mode, Function<KvState, T> query) {
    CompletableFuture<T> done = new CompletableFuture<>();
    read(mode, query, done, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), 0);
    return done;
  }

  private <T> void read(ReadMode mode, Function<KvState, T> query, CompletableFuture<T> done, long deadline,
      int attempts) {
    group.read(mode, () -> query.apply(store)).whenComplete((value, failure) -> {
      if (failure == null) {
        done.complete(value);
        return;
      }
      Throwable cause = WriteFailure.unwrap(failure);
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!(cause instanceof NotLeaderException || cause instanceof ReadFailedException)) {
        done.completeExceptionally(cause);
      } else if (left <= 0) {
        done.completeExceptionally(new ServiceException("TRYAGAIN group " + index
            + " could not confirm a read within " + timeoutMillis + " ms: " + cause.getMessage()));
      } else {
        timers.schedule(() -> read(mode, query, done, deadline, attempts + 1), Math.min(backoff(attempts), left),
            TimeUnit.MILLISECONDS);
      }
    });
  }

  /** How long to wait before the next try after {@code attempts}: doubling from 5 ms, at most 200 ms. */
  private static long backoff(int attempts) {
    return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempts, 6));
  }

  /** Runs {@code query} against this replica's store as it is now: possibly stale, never waiting. */
  public <T> T readLocal(Function<KvState, T> query) {
    return query.apply(store);
  }
}
