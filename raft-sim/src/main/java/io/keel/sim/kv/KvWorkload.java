package io.keel.sim.kv;

import io.keel.raft.RaftException;
import io.keel.raft.StateMachine;
import io.keel.raft.session.ClientSession;
import io.keel.raft.session.SessionCommandFailedException;
import io.keel.raft.session.SessionException;
import io.keel.raft.session.SessionStateMachine;
import io.keel.sim.KeyReads;
import io.keel.sim.SimRandom;
import io.keel.sim.Workload;
import io.keel.sim.check.Violation;
import io.keel.sim.linearizability.BadHistoryException;
import io.keel.sim.linearizability.CheckLimits;
import io.keel.sim.linearizability.CheckResult;
import io.keel.sim.linearizability.HistoryReader;
import io.keel.sim.linearizability.HistoryRecorder;
import io.keel.sim.linearizability.KeyResult;
import io.keel.sim.linearizability.LinearizabilityChecker;
import io.keel.sim.linearizability.RecordedOperation;
import io.keel.sim.linearizability.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The key-value workload: each client opens a session, then writes and compare-and-sets a few keys
 * (every command applied once, however often it is retried), while the readers read them; every
 * operation enters a history in the format of docs/linearizability.md, which the linearizability
 * checker judges at the run's end. A history that is not linearizable, or that the checker cannot
 * judge within its bounds, fails the seed, and is written out for {@code check-history}.
 */
public final class KvWorkload implements Workload, KeyReads {

  /** A client's session and the operation it has under way. */
  private static final class Client {
    ClientSession session;
    boolean registered;
    boolean registering;
    RecordedOperation operation;
    ClientSession.Command command;
  }

  private final long seed;
  private final int keys;
  private final int readerProcessBase;
  private final Path historyDirectory;
  private final Map<Integer, Client> clients = new HashMap<>();
  /** Per key, values written lately: a compare-and-set expects one of them. */
  private final Map<String, List<String>> recentValues = new HashMap<>();
  private StringWriter text = new StringWriter();
  private LongSupplier clock;
  private HistoryRecorder history;
  private long operations;
  private boolean readsLocally;

  /**
   * The workload of seed {@code seed}, over {@code keys} keys, with {@code clients} client
   * processes (the readers are numbered after them); a failing history is written into
   * {@code historyDirectory}.
   */
  public KvWorkload(long seed, int keys, int clients, Path historyDirectory) {
    this.seed = seed;
    this.keys = keys;
    this.readerProcessBase = clients;
    this.historyDirectory = historyDirectory;
  }

  /** The state machine each node runs: the key-value map, in sessions of {@code limits}. */
  public static StateMachine<String> stateMachine(io.keel.raft.session.SessionLimits limits) {
    return new SessionStateMachine<>(new KvStateMachine(), KvStateMachine.CODEC, limits);
  }

  /** A run starts (a fault-free reference run first, then the seed's own): a fresh history. */
  @Override
  public void start(LongSupplier clockNanos) {
    this.clock = clockNanos;
    this.text = new StringWriter();
    this.history = new HistoryRecorder(text, clockNanos);
    this.clients.clear();
    this.recentValues.clear();
    this.operations = 0;
  }

  @Override
  public byte[] nextCommand(long sequence, SimRandom random) {
    throw new UnsupportedOperationException("the key-value workload has no scripted client");
  }

  @Override
  public byte[] nextCommand(int client, long sequence, SimRandom random) {
    Client state = clients.computeIfAbsent(client, any -> new Client());
    if (state.session == null) {
      // Client ids are the client's number: unique in the run, and the same on every replay.
      state.session = new ClientSession(client + 1, () -> clock.getAsLong() / 1_000_000);
    }
    if (!state.registered) {
      state.registering = true;
      return state.session.register();
    }
    String key = "k" + random.nextLong(keys);
    String value = "c" + client + "-" + sequence;
    byte[] command;
    List<String> recent = recentValues.computeIfAbsent(key, any -> new ArrayList<>());
    if (random.chance(0.5) || recent.isEmpty()) {
      state.operation = history.invokeWrite(client, key, value);
      command = KvStateMachine.write(key, value);
    } else {
      String expected = random.chance(0.2) ? null : recent.get((int) random.nextLong(recent.size()));
      state.operation = history.invokeCas(client, key, expected, value);
      command = KvStateMachine.cas(key, expected, value);
    }
    recent.add(value);
    if (recent.size() > 4) {
      recent.remove(0);
    }
    operations++;
    state.command = state.session.command(command);
    return state.command.encode();
  }

  @Override
  public void onAnswered(int client, Object result) {
    Client state = clients.get(client);
    if (state.registering) {
      state.registering = false;
      state.registered = true;
      return;
    }
    if (KvStateMachine.MISMATCH.equals(result)) {
      state.operation.fail(); // the service said the expected value was not there: no effect
    } else {
      state.operation.ok();
    }
    state.session.answered(state.command);
    state.operation = null;
    state.command = null;
  }

  /**
   * Gives up a command the session refused (expired or evicted, its result discarded) or whose
   * application failed: its outcome is then recorded as unknown. A refusal before the command was
   * appended (no leader known, too many pending, a transfer under way, a node stopped) is not
   * given up: the client sends the same command again, which the session applies once.
   */
  @Override
  public boolean givesUp(int client, Throwable failure) {
    Client state = clients.get(client);
    boolean refusedBySession = failure instanceof SessionException || failure instanceof SessionCommandFailedException;
    if (state.registering || (failure instanceof RaftException && !refusedBySession)) {
      return false; // registering again is harmless; so is sending a numbered command again
    }
    if (failure instanceof SessionException refused && refused.reason() == SessionException.Reason.UNKNOWN_SESSION) {
      state.registered = false; // it expired: the outcome of the command is unknown, and the next one registers
    }
    state.operation.info();
    state.session.answered(state.command);
    state.operation = null;
    state.command = null;
    return true;
  }

  @Override
  public String readKey(SimRandom random) {
    return "k" + random.nextLong(keys);
  }

  @Override
  public RecordedOperation invokeRead(int reader, String key) {
    operations++;
    return history.invokeRead(readerProcessBase + reader, key);
  }

  @Override
  public String valueAt(StateMachine<?> machine, String key) {
    if (machine instanceof SessionStateMachine<?> sessions && sessions.inner() instanceof KvStateMachine kv) {
      return kv.get(key);
    }
    throw new IllegalStateException("the key-value workload needs its own state machine, not " + machine);
  }

  /**
   * This workload with reads that skip the protocol and read a node's state machine at once, stale
   * on a follower behind or a leader deposed: the history check must catch them.
   */
  public KvWorkload readingLocally() {
    this.readsLocally = true;
    return this;
  }

  @Override
  public boolean readsLocally() {
    return readsLocally;
  }

  /** How many operations the history holds. */
  public long operations() {
    return operations;
  }

  /** The history so far, as JSON lines. */
  public String historyText() {
    return text.toString();
  }

  @Override
  public void atEnd() {
    CheckResult result;
    try (LinearizabilityChecker checker = new LinearizabilityChecker(
        new CheckLimits(Duration.ofSeconds(30).toNanos(), 256L * 1024 * 1024, 1))) {
      result = checker.check(HistoryReader.read(new BufferedReader(new StringReader(text.toString())), "seed " + seed));
    } catch (BadHistoryException e) {
      throw Violation.safety("Linearizable History", "the recorded history is malformed: " + e.getMessage()
          + "; written to " + writeHistory());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (result.verdict() == Verdict.LINEARIZABLE) {
      return;
    }
    StringBuilder why = new StringBuilder();
    for (KeyResult key : result.verdict() == Verdict.NOT_LINEARIZABLE ? result.failedKeys() : result.unknownKeys()) {
      why.append(why.length() == 0 ? "" : "; ").append("key ").append(key.key()).append(": ")
          .append(key.counterexample() != null ? "no order explains " + key.counterexample().core()
              : key.unknownReason());
    }
    throw Violation.safety("Linearizable History", result.invocationCount() + " operations, "
        + (result.verdict() == Verdict.NOT_LINEARIZABLE ? "not linearizable" : "not judged within the checker's bounds")
        + " (" + why + "); written to " + writeHistory());
  }

  private Path writeHistory() {
    try {
      Files.createDirectories(historyDirectory);
      Path file = historyDirectory.resolve("history-seed-" + seed + ".jsonl");
      Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the history of seed " + seed, e);
    }
  }
}
