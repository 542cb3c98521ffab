package io.keel.sim.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations on one key, coded as integers for the search: operations sorted by invoke time,
 * values replaced by small numbers (0 is "absent"), and the register's step as a pure function.
 *
 * <p>Before coding, operations of unknown outcome whose effect nobody could observe are dropped:
 * a write or compare-and-set of a value that no {@code ok} read returned and no compare-and-set
 * expected. Such an operation never helps a linearization (whatever follows it either overwrites
 * its value or would have to observe it), so a history is linearizable with it exactly when it is
 * without it. Dropping them keeps the search's sets of linearized operations dense, which is what
 * keeps its memo small.
 */
final class KeyHistory {

  /** The model state "the key is absent". */
  static final int ABSENT = 0;
  /** Returned by {@link #step} when the operation cannot take effect in the given state. */
  static final int ILLEGAL = -1;

  private static final int READ = 0;
  private static final int WRITE = 1;
  private static final int CAS = 2;

  final String key;
  /** The operations to place, sorted by invoke time; the search refers to them by index. */
  final Operation[] operations;
  /** Number of unknown-outcome operations dropped because their effect was unobservable. */
  final int droppedUnobservableCount;

  private final int[] kinds;
  private final int[] arguments;
  private final int[] replacements;
  private final List<String> valueNames = new ArrayList<>();

  private KeyHistory(String key, List<Operation> kept, int droppedUnobservableCount) {
    this.key = key;
    this.droppedUnobservableCount = droppedUnobservableCount;
    this.operations = kept.toArray(new Operation[0]);
    Arrays.sort(
        operations,
        Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::id));
    int count = operations.length;
    kinds = new int[count];
    arguments = new int[count];
    replacements = new int[count];
    Map<String, Integer> valueCodes = new HashMap<>();
    valueNames.add(null);
    for (int index = 0; index < count; index++) {
      Operation operation = operations[index];
      switch (operation.kind()) {
        case READ -> {
          kinds[index] = READ;
          arguments[index] = code(operation.value(), valueCodes);
        }
        case WRITE -> {
          kinds[index] = WRITE;
          arguments[index] = code(operation.value(), valueCodes);
        }
        case CAS -> {
          kinds[index] = CAS;
          arguments[index] = code(operation.expected(), valueCodes);
          replacements[index] = code(operation.value(), valueCodes);
        }
      }
    }
  }

  /** Codes the operations on {@code key}, after dropping the unobservable unknown-outcome ones. */
  static KeyHistory prepare(String key, List<Operation> operationsOfKey) {
    List<Operation> kept = withoutUnobservableUnknowns(operationsOfKey);
    return new KeyHistory(key, kept, operationsOfKey.size() - kept.size());
  }

  int operationCount() {
    return operations.length;
  }

  boolean isOk(int operation) {
    return operations[operation].isOk();
  }

  /** The state after {@code operation} takes effect in {@code state}, or {@link #ILLEGAL}. */
  int step(int state, int operation) {
    return switch (kinds[operation]) {
      case READ -> state == arguments[operation] ? state : ILLEGAL;
      case WRITE -> arguments[operation];
      default -> state == arguments[operation] ? replacements[operation] : ILLEGAL;
    };
  }

  /** The value a state stands for; null for {@link #ABSENT}. */
  String valueOf(int state) {
    return valueNames.get(state);
  }

  private int code(String value, Map<String, Integer> valueCodes) {
    if (value == null) {
      return ABSENT;
    }
    Integer known = valueCodes.get(value);
    if (known != null) {
      return known;
    }
    int fresh = valueNames.size();
    valueNames.add(value);
    valueCodes.put(value, fresh);
    return fresh;
  }

  /**
   * Drops, until none is left, unknown-outcome writes and compare-and-sets whose new value has no
   * observer. Observers are ok reads of the value and compare-and-sets that expect it; dropping a
   * compare-and-set removes it as an observer, which can make more operations droppable.
   */
  private static List<Operation> withoutUnobservableUnknowns(List<Operation> operations) {
    Map<String, Integer> observerCounts = new HashMap<>();
    Map<String, List<Integer>> unknownWritersByValue = new HashMap<>();
    for (int index = 0; index < operations.size(); index++) {
      Operation operation = operations.get(index);
      if (operation.kind() == OperationKind.READ) {
        observerCounts.merge(operation.value(), 1, Integer::sum);
      } else if (operation.kind() == OperationKind.CAS) {
        observerCounts.merge(operation.expected(), 1, Integer::sum);
      }
      if (!operation.isOk()) {
        unknownWritersByValue.computeIfAbsent(operation.value(), v -> new ArrayList<>()).add(index);
      }
    }
    boolean[] dropped = new boolean[operations.size()];
    // A list rather than a deque, because the value null (key absent) can be unobserved too.
    List<String> unobserved = new ArrayList<>();
    for (String value : unknownWritersByValue.keySet()) {
      if (observerCounts.getOrDefault(value, 0) == 0) {
        unobserved.add(value);
      }
    }
    while (!unobserved.isEmpty()) {
      String value = unobserved.remove(unobserved.size() - 1);
      for (int index : unknownWritersByValue.getOrDefault(value, List.of())) {
        dropped[index] = true;
        Operation operation = operations.get(index);
        if (operation.kind() == OperationKind.CAS) {
          int remaining = observerCounts.merge(operation.expected(), -1, Integer::sum);
          if (remaining == 0 && unknownWritersByValue.containsKey(operation.expected())) {
            unobserved.add(operation.expected());
          }
        }
      }
    }
    List<Operation> kept = new ArrayList<>(operations.size());
    for (int index = 0; index < operations.size(); index++) {
      if (!dropped[index]) {
        kept.add(operations.get(index));
      }
    }
    return kept;
  }
}
