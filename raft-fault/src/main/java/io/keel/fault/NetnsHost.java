package io.keel.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link NamespaceNetwork} does in the root namespace besides making its bridge: lets the
 * bridge's traffic through the host's IP forward chains, and removes the namespaces, links and
 * rules of runs that were killed before they could clean up. It only ever touches names it makes:
 * namespaces {@code kf<run>-<node>}, veths {@code kf<run>v<node>}, bridges {@code kfb<run>} and
 * forward rules {@code iifname "kfb<run>" oifname "kfb<run>" accept}.
 */
final class NetnsHost {

  private static final String RUN = "([A-Za-z0-9]{1,6})";
  private static final Pattern NAMESPACE = Pattern.compile("kf" + RUN + "-\\d+");
  private static final Pattern VETH = Pattern.compile("kf" + RUN + "v\\d+");
  private static final Pattern BRIDGE = Pattern.compile("kfb" + RUN);
  private static final Pattern TABLE = Pattern.compile("table (\\S+) (\\S+) \\{.*");
  private static final Pattern CHAIN = Pattern.compile("chain (\\S+) \\{.*");
  private static final Pattern BRIDGE_RULE = Pattern.compile(
      "iifname \"kfb" + RUN + "\" oifname \"kfb\\1\" accept # handle (\\d+)");
  private static final Path BRIDGE_CALLS_IPTABLES = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");

  private NetnsHost() {}

  /** One base chain of the root namespace's ruleset that sees forwarded IPv4 packets. */
  record ForwardChain(String family, String table, String chain) {}

  /**
   * Makes sure the host's firewall does not drop packets crossing {@code bridge} from one node to
   * another. Bridged frames meet the IP forward hooks only when br_netfilter is loaded with
   * {@code bridge-nf-call-iptables} set; then a rule accepting the bridge's traffic goes first in
   * every {@code ip} and {@code inet} base chain on the forward hook (there are none on a bare host).
   */
  static void allowBridgedTraffic(NetnsShell shell, String bridge) throws IOException {
    if (!Files.isReadable(BRIDGE_CALLS_IPTABLES)
        || !Files.readString(BRIDGE_CALLS_IPTABLES, StandardCharsets.UTF_8).trim().equals("1")) {
      return;
    }
    NetnsShell.Result ruleset = shell.nft("list", "ruleset");
    if (!ruleset.ok()) {
      throw new IOException("nft list ruleset failed: " + ruleset.output().trim());
    }
    StringBuilder script = new StringBuilder();
    for (ForwardChain chain : forwardChains(ruleset.output())) {
      script.append("insert rule ").append(chain.family()).append(' ').append(chain.table()).append(' ')
          .append(chain.chain()).append(" iifname \"").append(bridge).append("\" oifname \"").append(bridge)
          .append("\" accept\n");
    }
    if (script.length() > 0) {
      shell.nftScriptOrThrow(null, script.toString());
    }
  }

  /** The {@code ip} and {@code inet} base chains on the forward hook in {@code ruleset}, as {@code nft list ruleset} prints it. */
  static List<ForwardChain> forwardChains(String ruleset) {
    List<ForwardChain> chains = new ArrayList<>();
    String family = "";
    String table = "";
    String chain = "";
    for (String line : ruleset.split("\n")) {
      String trimmed = line.trim();
      Matcher tableLine = TABLE.matcher(trimmed);
      Matcher chainLine = CHAIN.matcher(trimmed);
      if (tableLine.matches()) {
        family = tableLine.group(1);
        table = tableLine.group(2);
      } else if (chainLine.matches()) {
        chain = chainLine.group(1);
      } else if (trimmed.contains(" hook forward ") && (family.equals("ip") || family.equals("inet"))) {
        chains.add(new ForwardChain(family, table, chain));
      }
    }
    return chains;
  }

  /**
   * Removes what runs whose id {@code runs} accepts left behind: kills the processes still in
   * their namespaces, deletes the namespaces, veths and bridges, and the forward rules
   * {@link #allowBridgedTraffic} added. Failures are ignored: this is best effort.
   */
  static void removeLeftovers(NetnsShell shell, Predicate<String> runs) {
    for (String line : shell.ip("netns", "list").output().split("\n")) {
      String namespace = line.trim().split("\\s+")[0];
      Matcher name = NAMESPACE.matcher(namespace);
      if (name.matches() && runs.test(name.group(1))) {
        killProcessesIn(shell, namespace);
        shell.ip("netns", "del", namespace);
      }
    }
    removeLinks(shell, "veth", VETH, runs);
    removeLinks(shell, "bridge", BRIDGE, runs);
    removeBridgeRules(shell, runs);
  }

  private static void killProcessesIn(NetnsShell shell, String namespace) {
    for (String pid : shell.ip("netns", "pids", namespace).output().split("\\s+")) {
      if (pid.matches("\\d{1,10}")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static void removeLinks(NetnsShell shell, String type, Pattern pattern, Predicate<String> runs) {
    for (String line : shell.ip("-o", "link", "show", "type", type).output().split("\n")) {
      String[] fields = line.split(": ", 3);
      if (fields.length < 2) {
        continue;
      }
      String link = fields[1].split("@", 2)[0];
      Matcher name = pattern.matcher(link);
      if (name.matches() && runs.test(name.group(1))) {
        shell.ip("link", "del", link);
      }
    }
  }

  /** Deletes the forward rules {@link #allowBridgedTraffic} added for the bridges of runs {@code runs} accepts. */
  static void removeBridgeRules(NetnsShell shell, Predicate<String> runs) {
    NetnsShell.Result ruleset = shell.nft("-a", "list", "ruleset");
    if (!ruleset.ok()) {
      return;
    }
    String family = "";
    String table = "";
    String chain = "";
    for (String line : ruleset.output().split("\n")) {
      String trimmed = line.trim();
      Matcher tableLine = TABLE.matcher(trimmed);
      Matcher chainLine = CHAIN.matcher(trimmed);
      Matcher rule = BRIDGE_RULE.matcher(trimmed);
      if (tableLine.matches()) {
        family = tableLine.group(1);
        table = tableLine.group(2);
      } else if (chainLine.matches()) {
        chain = chainLine.group(1);
      } else if (rule.matches() && runs.test(rule.group(1))) {
        shell.nft("delete", "rule", family, table, chain, "handle", rule.group(2));
      }
    }
  }
}
