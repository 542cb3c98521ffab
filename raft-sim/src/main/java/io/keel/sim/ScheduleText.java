package io.keel.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the lines of a {@link FaultSchedule}'s text form. */
final class ScheduleText {

  private ScheduleText() {}

  /**
   * {@code delay=1ms..5ms tail=0.02/40ms drop=0.01 duplicate=0.005 straggler=0.001/3s hold=0.02};
   * omitted keys are 0.
   */
  static NetworkModel network(String text) {
    Map<String, String> settings = settings(text, List.of("delay", "tail", "drop", "duplicate", "straggler", "hold"));
    NetworkModel model = NetworkModel.reliable();
    if (settings.containsKey("delay")) {
      String[] range = settings.get("delay").split("\\.\\.");
      if (range.length != 2) {
        throw new IllegalArgumentException("delay is MIN..MAX, e.g. 1ms..5ms");
      }
      model = model.withDelay(Durations.parse(range[0]), Durations.parse(range[1]));
    }
    if (settings.containsKey("tail")) {
      String[] tail = settings.get("tail").split("/");
      if (tail.length != 2) {
        throw new IllegalArgumentException("tail is PROBABILITY/MEAN, e.g. 0.02/40ms");
      }
      model = model.withTail(Double.parseDouble(tail[0]), Durations.parse(tail[1]));
    }
    if (settings.containsKey("straggler")) {
      String[] straggler = settings.get("straggler").split("/");
      if (straggler.length != 2) {
        throw new IllegalArgumentException("straggler is PROBABILITY/MAX, e.g. 0.001/3s");
      }
      model = model.withStragglers(Double.parseDouble(straggler[0]), Durations.parse(straggler[1]));
    }
    model = model.withHold(Double.parseDouble(settings.getOrDefault("hold", "0")));
    model = model.withDrop(Double.parseDouble(settings.getOrDefault("drop", "0")));
    return model.withDuplicate(Double.parseDouble(settings.getOrDefault("duplicate", "0")));
  }

  /** {@code fsync=2ms torn-writes=on}. */
  static FaultSchedule disk(FaultSchedule schedule, String text) {
    Map<String, String> settings = settings(text, List.of("fsync", "torn-writes"));
    Duration fsync = settings.containsKey("fsync") ? Durations.parse(settings.get("fsync")) : schedule.fsyncLatency();
    boolean torn = schedule.tornWrites();
    if (settings.containsKey("torn-writes")) {
      torn = switch (settings.get("torn-writes")) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new IllegalArgumentException("torn-writes is on or off");
      };
    }
    return schedule.withDisk(fsync, torn);
  }

  /**
   * {@code split-reports=0.2 repeat-reports=0.01 late-timers=0.05 apply-lag-us=500 slow-applies=0.01};
   * omitted keys are 0.
   */
  static FaultSchedule.Buggify buggify(String text) {
    Map<String, String> settings = settings(text,
        List.of("split-reports", "repeat-reports", "late-timers", "apply-lag-us", "slow-applies"));
    return new FaultSchedule.Buggify(Double.parseDouble(settings.getOrDefault("split-reports", "0")),
        Double.parseDouble(settings.getOrDefault("repeat-reports", "0")),
        Double.parseDouble(settings.getOrDefault("late-timers", "0")),
        Long.parseLong(settings.getOrDefault("apply-lag-us", "0")),
        Double.parseDouble(settings.getOrDefault("slow-applies", "0")));
  }

  /** {@code n1=+1200ppm n2=-300ppm}; nodes not named do not drift. */
  static List<Long> drift(int nodes, String text) {
    List<Long> drift = new ArrayList<>(Collections.nCopies(nodes, 0L));
    for (String word : text.trim().split("\\s+")) {
      String[] pair = word.split("=");
      if (pair.length != 2 || !pair[1].endsWith("ppm")) {
        throw new IllegalArgumentException("drift is NODE=PPMppm, e.g. n1=+1200ppm");
      }
      drift.set(node(nodes, pair[0]) - 1, Long.parseLong(pair[1].substring(0, pair[1].length() - 3).replace("+", "")));
    }
    return drift;
  }

  /** {@code 1.5s crash n2}, and the other faults as {@link Fault#describe} writes them. */
  static FaultSchedule.Timed timed(int nodes, String text) {
    String[] words = text.trim().split("\\s+");
    if (words.length < 2) {
      throw new IllegalArgumentException("expected 'at TIME FAULT ...'");
    }
    Duration at = Durations.parse(words[0]);
    String rest = text.trim().substring(words[0].length()).trim();
    String argument = rest.contains(" ") ? rest.substring(rest.indexOf(' ') + 1).trim() : "";
    Fault fault = switch (words[1]) {
      case "crash" -> new Fault.Crash(node(nodes, word(words, 2)));
      case "restart" -> new Fault.Restart(node(nodes, word(words, 2)));
      case "crash-leader" -> new Fault.CrashLeader();
      case "propose" -> new Fault.Propose(node(nodes, word(words, 2)));
      case "isolate-leader" -> new Fault.IsolateLeader();
      case "partition" -> new Fault.Cut(Partition.parse(nodes, argument));
      case "pause" -> new Fault.Pause(node(nodes, word(words, 2)), Durations.parse(word(words, 3)));
      case "slow-disk" -> new Fault.SlowDisk(node(nodes, word(words, 2)), factor(word(words, 3)),
          Durations.parse(word(words, 4)));
      case "disk-error" -> new Fault.DiskError(node(nodes, word(words, 2)));
      case "clock-jump" -> new Fault.ClockJump(node(nodes, word(words, 2)), Durations.parse(word(words, 3)));
      case "network" -> new Fault.Network(network(argument));
      case "heal" -> new Fault.Heal();
      case "lie" -> new Fault.Lie(node(nodes, word(words, 2)), count(word(words, 3)));
      case "isolate-leader-with-minority" -> new Fault.IsolateLeaderWithMinority();
      case "figure-8" -> new Fault.Figure8();
      case "membership" -> membership(nodes, words);
      default -> momentOr(words);
    };
    return new FaultSchedule.Timed(at, fault);
  }

  private static Fault momentOr(String[] words) {
    Fault.Moment moment = Fault.Moment.named(words[1]);
    if (moment != null) {
      return new Fault.MomentFault(moment, Durations.parse(word(words, 2)));
    }
    throw new IllegalArgumentException("unknown fault '" + words[1] + "' (expected crash, crash-leader, restart, "
        + "isolate-leader, propose, partition, pause, slow-disk, disk-error, clock-jump, lie, membership, network or heal)");
  }

  private static Fault membership(int nodes, String[] words) {
    Fault.MembershipOp op = Fault.MembershipOp.named(word(words, 2));
    return new Fault.Membership(op, op.namesNode() ? node(nodes, word(words, 3)) : 0);
  }

  private static String word(String[] words, int index) {
    if (index >= words.length) {
      throw new IllegalArgumentException("'" + words[1] + "' needs more arguments");
    }
    return words[index];
  }

  private static int count(String text) {
    try {
      int count = Integer.parseInt(text);
      if (count >= 1 && count <= 1_000) {
        return count;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected a count of messages from 1 to 1000, got '" + text + "'");
  }

  private static double factor(String text) {
    if (!text.startsWith("x")) {
      throw new IllegalArgumentException("a slow-down factor is written x50");
    }
    double factor = Double.parseDouble(text.substring(1));
    if (!(factor >= 1)) {
      throw new IllegalArgumentException("a slow-down factor must be at least 1, got " + text);
    }
    return factor;
  }

  static int node(int nodes, String name) {
    if (!name.matches("n[0-9]+")) {
      throw new IllegalArgumentException("a node is named n1, n2, ...; got '" + name + "'");
    }
    int node = Integer.parseInt(name.substring(1));
    if (node < 1 || node > nodes) {
      throw new IllegalArgumentException("node " + name + " is not in a cluster of " + nodes);
    }
    return node;
  }

  private static Map<String, String> settings(String text, List<String> keys) {
    Map<String, String> settings = new HashMap<>();
    for (String word : text.trim().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      String[] pair = word.split("=", 2);
      if (pair.length != 2 || !keys.contains(pair[0])) {
        throw new IllegalArgumentException("expected KEY=VALUE with KEY one of " + keys + ", got '" + word + "'");
      }
      settings.put(pair[0], pair[1]);
    }
    return settings;
  }
}
