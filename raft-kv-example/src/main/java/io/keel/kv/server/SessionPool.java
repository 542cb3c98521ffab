package io.keel.kv.server;

import io.keel.raft.session.ClientSession;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The client sessions through which one node writes to one group (Raft thesis §6.3): every write
 * the node makes for its clients is a numbered command of one of them, so that the node can retry
 * it after an unknown outcome, at whichever node leads by then, and have it applied once.
 *
 * <p>A group keeps a session's results from its oldest unanswered command on, up to a limit
 * ({@link io.keel.raft.session.SessionLimits#maxResultsPerSession()}), and forgets the oldest beyond
 * it: a command still being retried then could no longer be answered. So a session takes a new
 * write only while its numbers span fewer than {@link #COMMANDS_PER_SESSION} from its oldest
 * unanswered one (well below that limit); a write that is slow to answer holds its session back,
 * and the pool opens more sessions as load grows, up to {@link #MAX_SESSIONS}.
 */
final class SessionPool {

  /** The widest span of numbers, from the oldest unanswered write on, that a session takes new writes within. */
  static final int COMMANDS_PER_SESSION = 32;
  /** The most sessions a node opens in one group; beyond, writes share the least loaded. */
  static final int MAX_SESSIONS = 64;

  /** One session and the writes it carries. */
  static final class Pooled {
    private final ClientSession session;
    private CompletableFuture<Void> registered;

    private Pooled(ClientSession session) {
      this.session = session;
    }

    /** Completes once the group has registered the session. */
    CompletableFuture<Void> registered() {
      return registered;
    }

    synchronized ClientSession.Command command(byte[] payload) {
      return session.command(payload);
    }

    /** The session's unanswered span, counting the writes given it that have not taken their number yet. */
    synchronized long span() {
      return session.unansweredSpan() + reserved;
    }

    /** Writes given this session that have not taken their number yet. */
    private int reserved;

    synchronized byte[] first(ClientSession.Command command) {
      return command.encode();
    }

    synchronized byte[] retry(ClientSession.Command command) {
      return command.retry();
    }

    synchronized void answered(ClientSession.Command command) {
      session.answered(command);
    }

    synchronized byte[] registration() {
      return session.register();
    }

    long clientId() {
      return session.clientId();
    }
  }

  private final List<Pooled> open = new ArrayList<>();
  /** The session the last write took: the next takes it too while it has room. */
  private Pooled last;
  private final SecureRandom ids = new SecureRandom();
  private final Function<Pooled, CompletableFuture<Void>> register;

  /** A pool that registers each session it opens with {@code register}. */
  SessionPool(Function<Pooled, CompletableFuture<Void>> register) {
    this.register = register;
  }

  /**
   * The session for one more write: the last one taken while its span has room, else the one of
   * narrowest span, or a new one when every span is full. Call {@link Pooled#command} on it next
   * (or {@link #release} it).
   */
  Pooled acquire() {
    Pooled opened;
    synchronized (this) {
      if (last != null && last.span() < COMMANDS_PER_SESSION) {
        reserve(last, 1);
        return last;
      }
      Pooled best = null;
      long bestSpan = Long.MAX_VALUE;
      for (Pooled pooled : open) {
        long span = pooled.span();
        if (span < bestSpan) {
          best = pooled;
          bestSpan = span;
        }
      }
      if (best != null && (bestSpan < COMMANDS_PER_SESSION || open.size() >= MAX_SESSIONS)) {
        reserve(best, 1);
        last = best;
        return best;
      }
      opened = new Pooled(new ClientSession(newClientId(), System::currentTimeMillis));
      reserve(opened, 1);
      last = opened;
      opened.registered = new CompletableFuture<>();
      open.add(opened);
    }
    register.apply(opened).whenComplete((done, failure) -> {
      if (failure != null) {
        discard(opened);
        opened.registered.completeExceptionally(failure);
      } else {
        opened.registered.complete(null);
      }
    });
    return opened;
  }

  private static void reserve(Pooled pooled, int writes) {
    synchronized (pooled) {
      pooled.reserved += writes;
    }
  }

  /** A write given {@code pooled} has taken its number ({@link Pooled#command}) or will not take one. */
  void release(Pooled pooled) {
    reserve(pooled, -1);
  }

  /** The group no longer knows {@code pooled}: no new write takes it. */
  synchronized void discard(Pooled pooled) {
    open.remove(pooled);
    if (last == pooled) {
      last = null;
    }
  }

  /** How many sessions are open. */
  synchronized int size() {
    return open.size();
  }

  private long newClientId() {
    long id;
    do {
      id = ids.nextLong();
    } while (id == 0);
    return id;
  }
}
