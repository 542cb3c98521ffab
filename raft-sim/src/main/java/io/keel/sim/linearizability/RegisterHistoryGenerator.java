package io.keel.sim.linearizability;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Writes seeded random histories of clients using a simulated atomic key-value register, in
 * simulated time. Each operation takes effect at one instant within its interval, so the
 * history is linearizable by construction, unless an {@link Anomaly} is injected: then one client
 * runs a short script whose outcome no linearizable register could produce.
 *
 * <p>Values written are unique, which is what makes an injected anomaly certain to be visible.
 */
public final class RegisterHistoryGenerator {

  /**
   * What to inject. Each one is a script on one key, run by one process while the others keep
   * going: {@code write(u) ok; write(v) ok; ...}, with a final step no register allows.
   */
  public enum Anomaly {
    /** No anomaly: the history is linearizable. */
    NONE,
    /** A read sees {@code v}, then a later read sees the older {@code u}. */
    STALE_READ,
    /** {@code write(v)} is acknowledged but never applied: a later read sees {@code u}. */
    LOST_WRITE,
    /** {@code write(u)} is applied again after {@code write(v)}: a later read sees {@code u}. */
    DUPLICATED_WRITE,
    /** {@code cas(u -> n)} succeeds although the value is {@code v}. */
    CAS_WRONG_EXPECTED
  }

  /**
   * What to generate.
   *
   * @param operations number of operations to invoke
   * @param keys number of keys, chosen uniformly
   * @param processes number of concurrent clients
   * @param seed the seed; the same settings give the same history
   * @param infoProbability chance that an operation's outcome is unknown (half of those never
   *     complete: the client is replaced by a new process)
   * @param maxLatencyNanos the longest an operation waits before, and again after, taking effect
   * @param anomaly what to inject, halfway through
   */
  public record Settings(
      int operations,
      int keys,
      int processes,
      long seed,
      double infoProbability,
      long maxLatencyNanos,
      Anomaly anomaly) {

    /** Checks the settings. */
    public Settings {
      if (operations < 0 || keys < 1 || processes < 1 || maxLatencyNanos < 1) {
        throw new IllegalArgumentException("need operations >= 0, keys, processes, latency >= 1");
      }
      if (infoProbability < 0 || infoProbability > 1) {
        throw new IllegalArgumentException("infoProbability must be within [0, 1]");
      }
    }
  }

  private final Settings settings;
  private final SplittableRandom random;
  private final Map<String, String> register = new HashMap<>();
  private final PriorityQueue<Step> agenda = new PriorityQueue<>();
  private long nowNanos = 1_000_000;
  private long stepSequence;
  private long nextProcess;
  private long nextValue;
  private int invoked;
  private boolean anomalyStarted;

  private RegisterHistoryGenerator(Settings settings) {
    this.settings = settings;
    this.random = new SplittableRandom(settings.seed());
  }

  /**
   * Writes a history to {@code out}, through a {@link HistoryRecorder} whose clock is the
   * simulated time. Flushes {@code out} but leaves it open.
   */
  public static void generate(Settings settings, Writer out) throws IOException {
    RegisterHistoryGenerator generator = new RegisterHistoryGenerator(settings);
    HistoryRecorder recorder = new HistoryRecorder(out, () -> generator.nowNanos);
    generator.run(recorder);
    recorder.flush();
  }

  /**
   * Writes a history built to defeat the checker: {@code writers} writes of distinct values, all
   * overlapping, then a read of a value nobody wrote. Proving it wrong means visiting every subset
   * of the writes with every possible last write, so its check must end as unknown at a bound.
   */
  public static void generateTooConcurrent(int writers, Writer out) throws IOException {
    if (writers < 1) {
      throw new IllegalArgumentException("need at least one writer");
    }
    long[] nowNanos = {0};
    HistoryRecorder recorder = new HistoryRecorder(out, () -> nowNanos[0]);
    List<RecordedOperation> writes = new ArrayList<>(writers);
    for (int writer = 0; writer < writers; writer++) {
      nowNanos[0] = writer;
      writes.add(recorder.invokeWrite(writer, "k0", "w" + writer));
    }
    for (int writer = 0; writer < writers; writer++) {
      nowNanos[0] = writers + writer;
      writes.get(writer).ok();
    }
    nowNanos[0] = 2L * writers + 1;
    RecordedOperation read = recorder.invokeRead(writers, "k0");
    nowNanos[0]++;
    read.okRead("never-written");
    recorder.flush();
  }

  private void run(HistoryRecorder recorder) {
    for (int i = 0; i < settings.processes(); i++) {
      Client client = new Client(nextProcess++);
      schedule(nowNanos + random.nextLong(settings.maxLatencyNanos()), client);
    }
    while (!agenda.isEmpty()) {
      Step step = agenda.poll();
      nowNanos = step.timeNanos;
      step.client.advance(this, recorder);
    }
  }

  private void schedule(long timeNanos, Client client) {
    agenda.add(new Step(timeNanos, stepSequence++, client));
  }

  private long latency() {
    return random.nextLong(settings.maxLatencyNanos() + 1);
  }

  private String randomKey() {
    return "k" + random.nextInt(settings.keys());
  }

  private String freshValue(long process) {
    return "p" + process + "-" + nextValue++;
  }

  /** The next operation for a client: a scripted step, or a random one while any remain. */
  private PlannedOperation plan(Client client) {
    if (!client.script.isEmpty()) {
      return client.script.poll();
    }
    if (invoked >= settings.operations()) {
      return null;
    }
    if (!anomalyStarted && settings.anomaly() != Anomaly.NONE
        && invoked >= settings.operations() / 2) {
      anomalyStarted = true;
      client.script.addAll(anomalyScript(client.process));
      return client.script.poll();
    }
    String key = randomKey();
    boolean unknownOutcome = random.nextDouble() < settings.infoProbability();
    int choice = random.nextInt(10);
    if (choice < 5) {
      return PlannedOperation.read(key, unknownOutcome);
    }
    if (choice < 8) {
      return PlannedOperation.write(key, freshValue(client.process), unknownOutcome);
    }
    // Expect the value held now most of the time, so that compare-and-sets often succeed.
    String expected = random.nextInt(3) < 2 ? register.get(key) : freshValue(client.process);
    return PlannedOperation.cas(key, expected, freshValue(client.process), unknownOutcome);
  }

  private List<PlannedOperation> anomalyScript(long process) {
    String key = randomKey();
    String first = freshValue(process);
    String second = freshValue(process);
    List<PlannedOperation> script = new ArrayList<>();
    script.add(PlannedOperation.write(key, first, false));
    switch (settings.anomaly()) {
      case STALE_READ -> {
        script.add(PlannedOperation.write(key, second, false));
        script.add(PlannedOperation.read(key, false));
        script.add(PlannedOperation.read(key, false).forcing(first));
      }
      case LOST_WRITE -> {
        script.add(PlannedOperation.write(key, second, false).notApplied());
        script.add(PlannedOperation.read(key, false).forcing(first));
      }
      case DUPLICATED_WRITE -> {
        script.add(PlannedOperation.write(key, second, false));
        script.add(PlannedOperation.write(key, first, false).silently());
        script.add(PlannedOperation.read(key, false).forcing(first));
      }
      case CAS_WRONG_EXPECTED -> {
        script.add(PlannedOperation.write(key, second, false));
        script.add(PlannedOperation.cas(key, first, freshValue(process), false).forcing(null));
      }
      case NONE -> throw new IllegalStateException("no script for Anomaly.NONE");
    }
    return script;
  }

  /** A scheduled moment at which one client acts. */
  private record Step(long timeNanos, long sequence, Client client) implements Comparable<Step> {
    @Override
    public int compareTo(Step other) {
      int byTime = Long.compare(timeNanos, other.timeNanos);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  /** One simulated client: invokes, waits, takes effect, waits, completes; then again. */
  private static final class Client {
    private long process;
    private final Deque<PlannedOperation> script = new ArrayDeque<>();
    private PlannedOperation current;
    private RecordedOperation recorded;
    private boolean applied;
    private String readResult;
    private boolean casSucceeded;

    Client(long process) {
      this.process = process;
    }

    void advance(RegisterHistoryGenerator generator, HistoryRecorder recorder) {
      if (current == null) {
        invoke(generator, recorder);
      } else if (!applied) {
        takeEffect(generator);
      } else {
        complete(generator);
      }
    }

    private void invoke(RegisterHistoryGenerator generator, HistoryRecorder recorder) {
      current = generator.plan(this);
      if (current == null) {
        return;
      }
      if (!current.silent) {
        generator.invoked++;
        recorded = switch (current.kind) {
          case READ -> recorder.invokeRead(process, current.key);
          case WRITE -> recorder.invokeWrite(process, current.key, current.value);
          case CAS -> recorder.invokeCas(process, current.key, current.expected, current.value);
        };
      }
      applied = false;
      generator.schedule(generator.nowNanos + generator.latency(), this);
    }

    /** The instant the register applies the operation, within its interval. */
    private void takeEffect(RegisterHistoryGenerator generator) {
      Map<String, String> register = generator.register;
      boolean skip = current.notApplied
          || (current.unknownOutcome && generator.random.nextBoolean());
      String valueNow = register.get(current.key);
      switch (current.kind) {
        case READ -> readResult = current.forced ? current.forcedValue : valueNow;
        case WRITE -> {
          if (!skip) {
            register.put(current.key, current.value);
          }
        }
        case CAS -> {
          casSucceeded = current.forced || Objects.equals(valueNow, current.expected);
          if (casSucceeded && !skip) {
            register.put(current.key, current.value);
          }
        }
      }
      applied = true;
      generator.schedule(generator.nowNanos + generator.latency(), this);
    }

    private void complete(RegisterHistoryGenerator generator) {
      PlannedOperation done = current;
      current = null;
      if (!done.silent) {
        if (done.unknownOutcome) {
          if (generator.random.nextBoolean()) {
            recorded.timedOut();
          } else {
            // The client crashed: its operation never completes, and a new process replaces it.
            process = generator.nextProcess++;
          }
        } else if (done.kind == OperationKind.READ) {
          recorded.okRead(readResult);
        } else if (done.kind == OperationKind.CAS && !casSucceeded) {
          recorded.fail();
        } else {
          recorded.ok();
        }
      }
      // At least a nanosecond later: a client's next operation must not touch its last one, or
      // the two would count as concurrent and an anomaly script could be reordered into sense.
      generator.schedule(generator.nowNanos + 1 + generator.latency() / 4, this);
    }
  }

  /** An operation a client will run, with what an anomaly script changes about it. */
  private static final class PlannedOperation {
    final OperationKind kind;
    final String key;
    final String value;
    final String expected;
    final boolean unknownOutcome;
    boolean forced;
    String forcedValue;
    boolean notApplied;
    boolean silent;

    private PlannedOperation(
        OperationKind kind, String key, String value, String expected, boolean unknownOutcome) {
      this.kind = kind;
      this.key = key;
      this.value = value;
      this.expected = expected;
      this.unknownOutcome = unknownOutcome;
    }

    static PlannedOperation read(String key, boolean unknownOutcome) {
      return new PlannedOperation(OperationKind.READ, key, null, null, unknownOutcome);
    }

    static PlannedOperation write(String key, String value, boolean unknownOutcome) {
      return new PlannedOperation(OperationKind.WRITE, key, value, null, unknownOutcome);
    }

    static PlannedOperation cas(
        String key, String expected, String value, boolean unknownOutcome) {
      return new PlannedOperation(OperationKind.CAS, key, value, expected, unknownOutcome);
    }

    /** A read returns {@code value} whatever the register holds; a cas succeeds regardless. */
    PlannedOperation forcing(String value) {
      forced = true;
      forcedValue = value;
      return this;
    }

    /** A write is acknowledged but never applied. */
    PlannedOperation notApplied() {
      notApplied = true;
      return this;
    }

    /** The register applies it, but no client invoked it: a duplicate of an earlier request. */
    PlannedOperation silently() {
      silent = true;
      return this;
    }
  }
}
