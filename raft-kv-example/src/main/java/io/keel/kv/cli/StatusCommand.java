package io.keel.kv.cli;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel-kv status}: what a node says of itself and of the groups: roles, terms, leaders, indexes. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Print a node's view of the groups.")
public final class StatusCommand implements Callable<Integer> {

  @Option(names = "--host", description = "The node's RESP host (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = {"-p", "--port"}, description = "The node's RESP port (default: ${DEFAULT-VALUE}).")
  int port = 7379;

  @Override
  public Integer call() throws Exception {
    try (RespClient client = RespClient.connect(new InetSocketAddress(host, port), Duration.ofSeconds(5))) {
      RespReply reply = client.send("INFO").get(10, TimeUnit.SECONDS);
      if (!(reply instanceof RespReply.Bulk bulk)) {
        System.err.println("the node answered INFO with " + reply);
        return 1;
      }
      boolean printing = false;
      for (String line : bulk.text().split("\r\n")) {
        if (line.startsWith("# ")) {
          printing = line.equals("# Keel") || line.equals("# Groups") || line.equals("# Server");
        }
        if (printing && !line.isEmpty()) {
          System.out.println(line);
        }
      }
      return 0;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
