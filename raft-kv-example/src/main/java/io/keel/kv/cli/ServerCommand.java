package io.keel.kv.cli;

import io.keel.kv.config.ConfigException;
import io.keel.kv.config.ConfigFile;
import io.keel.kv.config.KvConfig;
import io.keel.kv.server.Addresses;
import io.keel.kv.server.KvNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel-kv server --config FILE}: runs one node of a cluster, until it is stopped (SIGTERM, Ctrl-C). */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run one node of a cluster, as its configuration file says (docs/kv-example.md).")
public final class ServerCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "The node's configuration file.")
  Path config;

  @Override
  public Integer call() throws Exception {
    KvConfig settings;
    try {
      settings = ConfigFile.parse(config);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> DemoCommand.awaitStop(stop, stopped), "keel-kv-stop"));
    try (KvNode node = KvNode.start(settings)) {
      System.out.println(settings.nodeId() + " serves RESP on " + Addresses.format(node.respAddress())
          + " over " + settings.groups() + " group(s); data in " + settings.dataDir().toAbsolutePath().normalize());
      stop.await();
      System.out.println("stopping " + settings.nodeId());
    } finally {
      stopped.countDown();
    }
    return 0;
  }
}
