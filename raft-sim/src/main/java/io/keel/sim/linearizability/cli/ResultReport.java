package io.keel.sim.linearizability.cli;

import io.keel.sim.linearizability.CheckResult;
import io.keel.sim.linearizability.Counterexample;
import io.keel.sim.linearizability.HistoryJson;
import io.keel.sim.linearizability.KeyResult;
import io.keel.sim.linearizability.Operation;
import java.util.List;

/** Formats a {@link CheckResult} for people (several lines) or for tools (one JSON line). */
public final class ResultReport {

  /** How many operations of the longest prefix a report shows, counting back from its end. */
  static final int PREFIX_TAIL_SHOWN = 10;
  /** How many operations of a core a report shows. */
  static final int CORE_SHOWN = 20;

  private ResultReport() {}

  /** A human-readable report, with a counterexample for every key that is not linearizable. */
  public static String text(CheckResult result) {
    StringBuilder text = new StringBuilder();
    text.append(result.source()).append(": ");
    switch (result.verdict()) {
      case BAD_INPUT -> {
        text.append("bad input: ").append(result.badInput().getMessage()).append('\n');
        return text.toString();
      }
      case LINEARIZABLE -> text.append("linearizable");
      case NOT_LINEARIZABLE -> text.append("NOT linearizable");
      case UNKNOWN -> text.append("unknown (a bound was hit; this is not a pass)");
    }
    text.append(" (").append(result.invocationCount()).append(" ops, ")
        .append(result.keyCount()).append(" keys, ").append(result.elapsedMillis())
        .append(" ms)\n");
    for (KeyResult failed : result.failedKeys()) {
      appendCounterexample(text, failed.counterexample());
    }
    for (KeyResult unknown : result.unknownKeys()) {
      text.append("  key ");
      HistoryJson.appendString(text, unknown.key());
      text.append(": unknown: ").append(unknown.unknownReason()).append('\n');
    }
    return text.toString();
  }

  private static void appendCounterexample(StringBuilder text, Counterexample counterexample) {
    text.append("  key ");
    HistoryJson.appendString(text, counterexample.key());
    List<Operation> core = counterexample.core();
    text.append(": these ").append(core.size())
        .append(" ok operations cannot be ordered, whatever the others did");
    text.append(counterexample.coreIsMinimal()
        ? ":\n" : " (not minimal: shrinking ran out of time):\n");
    for (Operation operation : core.subList(0, Math.min(core.size(), CORE_SHOWN))) {
      text.append("    ").append(operation.describe()).append('\n');
    }
    if (core.size() > CORE_SHOWN) {
      text.append("    ... and ").append(core.size() - CORE_SHOWN).append(" more\n");
    }
    text.append("  the search could not place\n    ")
        .append(counterexample.blocking().describe()).append('\n');
    List<Operation> prefix = counterexample.longestLinearizablePrefix();
    text.append("  after the longest linearizable prefix (").append(prefix.size())
        .append(" operations, leaving the value ");
    HistoryJson.appendNullableString(text, counterexample.valueAfterPrefix());
    text.append(")");
    if (prefix.isEmpty()) {
      text.append('\n');
    } else {
      text.append(prefix.size() > PREFIX_TAIL_SHOWN ? ", which ends:\n" : ":\n");
      for (Operation operation : tail(prefix)) {
        text.append("    ").append(operation.describe()).append('\n');
      }
    }
    text.append("  together with the ").append(counterexample.concurrentCount())
        .append(" unplaced operations concurrent with it");
    if (counterexample.concurrentCount() > counterexample.concurrent().size()) {
      text.append(" (latest ").append(counterexample.concurrent().size()).append(" shown)");
    }
    text.append(counterexample.concurrentCount() == 0 ? "\n" : ":\n");
    for (Operation operation : counterexample.concurrent()) {
      text.append("    ").append(operation.describe()).append('\n');
    }
  }

  /** One JSON line: file, verdict, ops, keys, millis, and the details of the verdict. */
  public static String json(CheckResult result) {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"file\":");
    HistoryJson.appendString(json, result.source());
    json.append(",\"verdict\":\"").append(result.verdict().jsonName()).append('"');
    json.append(",\"ops\":").append(result.invocationCount());
    json.append(",\"keys\":").append(result.keyCount());
    json.append(",\"millis\":").append(result.elapsedMillis());
    if (result.badInput() != null) {
      json.append(",\"line\":").append(result.badInput().lineNumber()).append(",\"error\":");
      HistoryJson.appendString(json, result.badInput().reason());
    }
    if (!result.failedKeys().isEmpty()) {
      json.append(",\"counterexamples\":[");
      for (int i = 0; i < result.failedKeys().size(); i++) {
        json.append(i == 0 ? "" : ",");
        appendCounterexampleJson(json, result.failedKeys().get(i).counterexample());
      }
      json.append(']');
    }
    if (!result.unknownKeys().isEmpty()) {
      json.append(",\"unknown_keys\":[");
      for (int i = 0; i < result.unknownKeys().size(); i++) {
        KeyResult unknown = result.unknownKeys().get(i);
        json.append(i == 0 ? "{\"key\":" : ",{\"key\":");
        HistoryJson.appendString(json, unknown.key());
        json.append(",\"reason\":");
        HistoryJson.appendString(json, unknown.unknownReason());
        json.append('}');
      }
      json.append(']');
    }
    return json.append('}').toString();
  }

  private static void appendCounterexampleJson(StringBuilder json, Counterexample counterexample) {
    json.append("{\"key\":");
    HistoryJson.appendString(json, counterexample.key());
    List<Operation> core = counterexample.core();
    json.append(",\"core_size\":").append(core.size());
    json.append(",\"core_is_minimal\":").append(counterexample.coreIsMinimal());
    json.append(",\"core\":");
    appendOperationsJson(json, core.subList(0, Math.min(core.size(), CORE_SHOWN)));
    json.append(",\"blocking\":");
    appendOperationJson(json, counterexample.blocking());
    json.append(",\"concurrent_count\":").append(counterexample.concurrentCount());
    json.append(",\"concurrent\":");
    appendOperationsJson(json, counterexample.concurrent());
    json.append(",\"prefix_length\":").append(counterexample.longestLinearizablePrefix().size());
    json.append(",\"value_after_prefix\":");
    HistoryJson.appendNullableString(json, counterexample.valueAfterPrefix());
    json.append(",\"prefix_tail\":");
    appendOperationsJson(json, tail(counterexample.longestLinearizablePrefix()));
    json.append('}');
  }

  private static void appendOperationsJson(StringBuilder json, List<Operation> operations) {
    json.append('[');
    for (int i = 0; i < operations.size(); i++) {
      json.append(i == 0 ? "" : ",");
      appendOperationJson(json, operations.get(i));
    }
    json.append(']');
  }

  private static void appendOperationJson(StringBuilder json, Operation operation) {
    json.append("{\"process\":").append(operation.process());
    json.append(",\"f\":\"").append(operation.kind().jsonName()).append('"');
    json.append(",\"type\":\"").append(operation.outcome().jsonName()).append('"');
    if (operation.expected() != null || operation.kind().jsonName().equals("cas")) {
      json.append(",\"expected\":");
      HistoryJson.appendNullableString(json, operation.expected());
    }
    json.append(",\"value\":");
    HistoryJson.appendNullableString(json, operation.value());
    json.append(",\"invoke\":").append(operation.invokeNanos());
    json.append(",\"complete\":");
    json.append(operation.isOk() ? Long.toString(operation.completeNanos()) : "null");
    json.append(",\"line\":").append(operation.invokeLine()).append('}');
  }

  private static List<Operation> tail(List<Operation> prefix) {
    return prefix.subList(Math.max(0, prefix.size() - PREFIX_TAIL_SHOWN), prefix.size());
  }
}
