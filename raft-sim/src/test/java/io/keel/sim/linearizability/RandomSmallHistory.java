package io.keel.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A small random history for comparing the checker with {@link BruteForceChecker}: a few
 * processes run operations on one or two keys of a register that applies each operation at a
 * random instant of its interval, on a coarse clock so that ties and touching intervals are common.
 * Some histories are then mutated (a read returns another value, a failure becomes a success...)
 * so that both verdicts are well represented.
 */
final class RandomSmallHistory {

  /** How an operation ended; NEVER means its invoke has no completion. */
  enum Ending { OK, FAIL, INFO, NEVER }

  /** One operation, as the brute-force checker sees it. */
  record Op(long process, OperationKind kind, String key, String argument, String replacement,
      String readValue, long invoke, long complete, Ending ending) {}

  private static final String[] VALUES = {null, "a", "b", "c"};

  private RandomSmallHistory() {}

  static List<Op> generate(long seed, int processes, int keys, int operations, boolean mutate) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Draft> drafts = new ArrayList<>();
    long[] clocks = new long[processes];
    for (int p = 0; p < processes; p++) {
      clocks[p] = random.nextInt(4);
    }
    for (int i = 0; i < operations; i++) {
      int process = random.nextInt(processes);
      Draft draft = new Draft();
      draft.process = process;
      draft.key = "k" + random.nextInt(keys);
      int kind = random.nextInt(20);
      draft.kind =
          kind < 8 ? OperationKind.READ : kind < 15 ? OperationKind.WRITE : OperationKind.CAS;
      draft.argument = VALUES[random.nextInt(VALUES.length)];
      draft.replacement = VALUES[1 + random.nextInt(VALUES.length - 1)];
      draft.invoke = clocks[process];
      draft.complete = draft.invoke + random.nextInt(7);
      draft.effectAt = draft.invoke + random.nextDouble() * (draft.complete - draft.invoke);
      clocks[process] = draft.complete + random.nextInt(4);
      int ending = random.nextInt(10);
      draft.ending = ending < 7 ? Ending.OK : ending < 8 ? Ending.FAIL : Ending.INFO;
      draft.applies =
          draft.ending == Ending.OK || (draft.ending == Ending.INFO && random.nextBoolean());
      drafts.add(draft);
    }
    simulate(drafts);
    markNeverCompleted(drafts, random);
    if (mutate) {
      mutateOne(drafts, random);
    }
    List<Op> ops = new ArrayList<>();
    for (Draft draft : drafts) {
      ops.add(new Op(draft.process, draft.kind, draft.key, draft.argument, draft.replacement,
          draft.readValue, draft.invoke, draft.complete, draft.ending));
    }
    return ops;
  }

  /** Applies operations in the order of their effect instants, as an atomic register would. */
  private static void simulate(List<Draft> drafts) {
    List<Draft> byEffect = new ArrayList<>(drafts);
    byEffect.sort(Comparator.comparingDouble(draft -> draft.effectAt));
    Map<String, String> register = new HashMap<>();
    for (Draft draft : byEffect) {
      String now = register.get(draft.key);
      switch (draft.kind) {
        case READ -> draft.readValue = now;
        case WRITE -> {
          if (draft.applies) {
            register.put(draft.key, draft.argument);
          }
        }
        case CAS -> {
          boolean matches = Objects.equals(now, draft.argument);
          if (draft.applies && matches) {
            register.put(draft.key, draft.replacement);
          } else if (draft.ending == Ending.OK) {
            draft.ending = Ending.FAIL;
          }
        }
      }
    }
  }

  /** Turns some last operations of a process from info into never-completed. */
  private static void markNeverCompleted(List<Draft> drafts, SplittableRandom random) {
    Map<Long, Draft> lastByProcess = new HashMap<>();
    for (Draft draft : drafts) {
      lastByProcess.put(draft.process, draft);
    }
    for (Draft last : lastByProcess.values()) {
      if (last.ending == Ending.INFO && random.nextBoolean()) {
        last.ending = Ending.NEVER;
      }
    }
  }

  /** Changes one operation so that the history no longer matches what the register did. */
  private static void mutateOne(List<Draft> drafts, SplittableRandom random) {
    Draft victim = drafts.get(random.nextInt(drafts.size()));
    switch (victim.kind) {
      case READ -> {
        victim.ending = Ending.OK;
        victim.readValue = otherValue(victim.readValue, random);
      }
      case WRITE -> {
        if (victim.ending == Ending.FAIL || random.nextBoolean()) {
          victim.ending = Ending.OK;
        } else {
          victim.argument = otherValue(victim.argument, random);
        }
      }
      case CAS -> {
        if (victim.ending == Ending.FAIL) {
          victim.ending = Ending.OK;
        } else {
          victim.argument = otherValue(victim.argument, random);
        }
      }
    }
  }

  private static String otherValue(String value, SplittableRandom random) {
    while (true) {
      String other = VALUES[random.nextInt(VALUES.length)];
      if (!Objects.equals(other, value)) {
        return other;
      }
    }
  }

  /** The events of the history in time order, as a client would have recorded them. */
  static List<HistoryEvent> events(List<Op> ops) {
    record Timed(HistoryEvent event, int sequence) {}
    List<Timed> timed = new ArrayList<>();
    for (Op op : ops) {
      EventValue argument = switch (op.kind()) {
        case READ -> EventValue.NONE;
        case WRITE -> EventValue.single(op.argument());
        case CAS -> EventValue.pair(op.argument(), op.replacement());
      };
      timed.add(new Timed(new HistoryEvent(op.process(), EventType.INVOKE, op.kind(), op.key(),
          argument, op.invoke()), timed.size()));
      if (op.ending() != Ending.NEVER) {
        EventType type = EventType.valueOf(op.ending().name());
        EventValue result = op.kind() == OperationKind.READ && type == EventType.OK
            ? EventValue.single(op.readValue()) : EventValue.NONE;
        timed.add(new Timed(new HistoryEvent(op.process(), type, op.kind(), op.key(), result,
            op.complete()), timed.size()));
      }
    }
    timed.sort(Comparator.comparingLong((Timed t) -> t.event().timeNanos())
        .thenComparingInt(Timed::sequence));
    return timed.stream().map(Timed::event).toList();
  }

  private static final class Draft {
    long process;
    OperationKind kind;
    String key;
    String argument;
    String replacement;
    String readValue;
    long invoke;
    long complete;
    double effectAt;
    Ending ending;
    boolean applies;
  }
}
