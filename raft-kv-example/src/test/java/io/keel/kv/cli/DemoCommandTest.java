package io.keel.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.kv.server.KvCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code keel-kv demo} starts three nodes, serves, stops cleanly, and finds its data when started again. */
class DemoCommandTest {

  @Test
  void the_demo_serves_stops_and_restarts_with_its_data(@TempDir Path dir) throws Exception {
    int resp = KvCluster.freePort();
    int raft = KvCluster.freePort();
    int http = KvCluster.freePort();
    String[] args = {"--data", dir.resolve("data").toString(), "--resp-port", Integer.toString(resp), "--raft-port",
        Integer.toString(raft), "--http-port", Integer.toString(http), "--groups", "2"};

    Run first = Run.start(args);
    String welcome = first.awaitOutput("Ctrl-C stops the cluster");
    assertTrue(welcome.contains("redis-cli -p " + resp + " set hello world"), welcome);
    try (RespClient client = RespClient.connect(new InetSocketAddress("127.0.0.1", resp + 1), Duration.ofSeconds(5))) {
      assertEquals(RespReply.OK, client.send("SET", "hello", "world").get(30, TimeUnit.SECONDS));
    }
    assertEquals(0, first.stop());
    assertTrue(Files.isDirectory(dir.resolve("data/n1/kv-0/log")), "the data stays");

    Run second = Run.start(args);
    second.awaitOutput("Ctrl-C stops the cluster");
    try (RespClient client = RespClient.connect(new InetSocketAddress("127.0.0.1", resp + 2), Duration.ofSeconds(5))) {
      assertEquals(RespReply.bulk("world"), client.send("GET", "hello").get(30, TimeUnit.SECONDS));
    }
    assertEquals(0, second.stop());

    String[] threeGroups = args.clone();
    threeGroups[threeGroups.length - 1] = "3";
    Run refused = Run.start(threeGroups);
    assertEquals(1, refused.exit.get(60, TimeUnit.SECONDS), "a data directory of 2 groups refuses to start as 3");
  }

  /** One run of the demo on a thread of its own, its output captured. */
  private static final class Run {
    final DemoCommand demo = new DemoCommand();
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    static Run start(String[] args) {
      Run run = new Run();
      CommandLine line = new CommandLine(run.demo);
      line.parseArgs(args);
      run.demo.out = new PrintStream(run.output, true, StandardCharsets.UTF_8);
      Thread thread = new Thread(() -> {
        try {
          run.exit.complete(run.demo.call());
        } catch (Exception e) {
          run.exit.completeExceptionally(e);
        }
      }, "demo");
      thread.start();
      return run;
    }

    /** Waits (up to a minute) until the demo serves; returns what it printed, which must hold {@code text}. */
    String awaitOutput(String text) throws Exception {
      CompletableFuture.anyOf(demo.started, exit).get(60, TimeUnit.SECONDS);
      String printed = output.toString(StandardCharsets.UTF_8);
      assertTrue(demo.started.isDone() && printed.contains(text), "the demo did not start:\n" + printed);
      return printed;
    }

    int stop() throws Exception {
      demo.stop.countDown();
      return exit.get(60, TimeUnit.SECONDS);
    }
  }
}
