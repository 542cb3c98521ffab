package io.keel.fault;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.sim.linearizability.HistoryRecorder;
import io.keel.sim.linearizability.RecordedOperation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The clients: worker threads that read, write and compare-and-set a few keys through the nodes'
 * RESP ports, each operation recorded in the history. An operation that times out or loses its
 * connection is recorded as {@code info} (its outcome is unknown); one the service refused
 * ({@code TRYAGAIN}, a CAS that found another value) as {@code fail}; a write answered
 * {@code UNKNOWN} as {@code info}. Each worker sends to a node drawn at random, and moves to
 * another when its node does not answer.
 */
final class Workload {

  /** The kinds of operation, in the order of the counts: read, write, cas. */
  static final String[] KINDS = {"read", "write", "cas"};

  private final FaultCluster cluster;
  private final HistoryRecorder history;
  private final int workers;
  private final int keys;
  private final long seed;
  private final Duration timeout;
  /** The read mode each connection asks for ({@code KEEL.READS}): linearizable unless a run shows the checker firing. */
  private final String readMode;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
  /** ok, fail, info counts for read, write and cas: index kind * 3 + outcome. */
  private final AtomicLongArray counts = new AtomicLongArray(9);

  Workload(FaultCluster cluster, HistoryRecorder history, int workers, int keys, long seed, Duration timeout,
      String readMode) {
    this.readMode = readMode;
    this.cluster = cluster;
    this.history = history;
    this.workers = workers;
    this.keys = keys;
    this.seed = seed;
    this.timeout = timeout;
  }

  void start() {
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Thread thread = new Thread(() -> run(worker), "fault-client-" + w);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops the workers after their current operation and waits for them. */
  void stop() throws InterruptedException {
    stopping.set(true);
    for (Thread thread : threads) {
      thread.join(timeout.toMillis() * 3);
    }
  }

  private void run(int worker) {
    Random random = new Random(seed * 31 + worker);
    long process = worker;
    int node = random.nextInt(cluster.size());
    RespClient client = null;
    long sequence = 0;
    while (!stopping.get()) {
      if (client == null || !client.isOpen()) {
        client = connect(node);
        if (client == null) {
          node = random.nextInt(cluster.size());
          pause(50);
          continue;
        }
      }
      String key = "k" + random.nextInt(keys);
      int choice = random.nextInt(10);
      boolean lost;
      if (choice < 4) {
        lost = read(client, process, key);
      } else if (choice < 8) {
        lost = write(client, process, key, "w" + worker + "-" + (++sequence));
      } else {
        String expected = lastSeen.get(key);
        lost = cas(client, process, key, expected, "c" + worker + "-" + (++sequence));
      }
      if (lost) {
        client.close();
        client = null;
        node = random.nextInt(cluster.size());
      }
    }
    if (client != null) {
      client.close();
    }
  }

  private RespClient connect(int node) {
    try {
      RespClient client = RespClient.connect(cluster.network().respAddress(node), Duration.ofSeconds(1));
      if (!readMode.equals("linearizable")) {
        client.send("KEEL.READS", readMode).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return client;
    } catch (IOException | ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // a client backing off before it reconnects, as real ones do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Each returns true if the connection is lost or hung (the worker then moves to another node). */
  private boolean read(RespClient client, long process, String key) {
    RecordedOperation op = history.invokeRead(process, key);
    RespReply reply = send(client, op, 0, "GET", key);
    if (reply == null) {
      return true;
    }
    if (reply instanceof RespReply.Bulk bulk) {
      op.okRead(bulk.text());
      if (bulk.text() != null) {
        lastSeen.put(key, bulk.text());
      }
      count(0, 0);
    } else {
      op.fail(); // a refused read changed nothing
      count(0, 1);
    }
    return false;
  }

  private boolean write(RespClient client, long process, String key, String value) {
    RecordedOperation op = history.invokeWrite(process, key, value);
    RespReply reply = send(client, op, 1, "SET", key, value);
    if (reply == null) {
      return true;
    }
    if (RespReply.OK.equals(reply)) {
      op.ok();
      lastSeen.put(key, value);
      count(1, 0);
    } else {
      refusedOrUnknown(op, reply, 1);
    }
    return false;
  }

  private boolean cas(RespClient client, long process, String key, String expected, String value) {
    if (expected == null) {
      return write(client, process, key, value); // CAS from absent is SET NX, which the history cannot express
    }
    RecordedOperation op = history.invokeCas(process, key, expected, value);
    RespReply reply = send(client, op, 2, "CAS", key, expected, value);
    if (reply == null) {
      return true;
    }
    if (reply instanceof RespReply.Integer swapped && swapped.value() == 1) {
      op.ok();
      lastSeen.put(key, value);
      count(2, 0);
    } else if (reply instanceof RespReply.Integer) {
      op.fail(); // the value was another: certainly no effect
      count(2, 1);
    } else {
      refusedOrUnknown(op, reply, 2);
    }
    return false;
  }

  private void refusedOrUnknown(RecordedOperation op, RespReply reply, int kind) {
    if (reply instanceof RespReply.Error error && error.code().equals("UNKNOWN")) {
      op.info();
      count(kind, 2);
    } else {
      op.fail(); // TRYAGAIN (no leader took it, nothing appended) or a refusal
      count(kind, 1);
    }
  }

  /** The reply, or null after recording the operation as info (timed out, or the connection lost). */
  private RespReply send(RespClient client, RecordedOperation op, int kind, String... command) {
    try {
      return client.send(command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      op.timedOut();
    } catch (ExecutionException e) {
      op.connectionLost();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      op.info();
    }
    count(kind, 2);
    return null;
  }

  private void count(int kind, int outcome) {
    counts.incrementAndGet(kind * 3 + outcome);
  }

  /** "read 1,234 ok / 5 fail / 6 info; write ...". */
  String summary() {
    StringBuilder text = new StringBuilder();
    for (int kind = 0; kind < 3; kind++) {
      if (kind > 0) {
        text.append("; ");
      }
      text.append(String.format("%s %,d ok / %,d fail / %,d info", KINDS[kind], counts.get(kind * 3),
          counts.get(kind * 3 + 1), counts.get(kind * 3 + 2)));
    }
    return text.toString();
  }
}
