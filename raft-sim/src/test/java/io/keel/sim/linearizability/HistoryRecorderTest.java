package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The recorder writes the format the reader accepts, safely from many threads. */
class HistoryRecorderTest {

  private static List<HistoryEvent> parse(String text) throws Exception {
    List<HistoryEvent> events = new ArrayList<>();
    for (String line : text.split("\n")) {
      events.add(HistoryJson.parse(line));
    }
    return events;
  }

  @Test
  void whenOperationTimesOutOrLosesItsConnection_thenItIsRecordedAsInfo() throws Exception {
    StringWriter out = new StringWriter();
    AtomicLong clock = new AtomicLong();
    HistoryRecorder recorder = new HistoryRecorder(out, clock::incrementAndGet);
    recorder.invokeWrite(1, "k", "a").timedOut();
    recorder.invokeCas(1, "k", "a", "b").connectionLost();
    recorder.invokeRead(1, "k").okRead(null);
    recorder.invokeCas(1, "k", null, "c").fail();
    recorder.flush();
    List<HistoryEvent> events = parse(out.toString());
    assertEquals(8, events.size());
    assertEquals(EventType.INFO, events.get(1).type());
    assertEquals(EventType.INFO, events.get(3).type());
    assertEquals(EventValue.pair("a", "b"), events.get(2).value());
    assertEquals(EventValue.single(null), events.get(5).value());
    assertEquals(EventType.FAIL, events.get(7).type());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).timeNanos(), "each event reads the clock once");
    }
  }

  @Test
  void whenProcessInvokesWhileOutstanding_thenRecorderRefuses() {
    HistoryRecorder recorder = new HistoryRecorder(new StringWriter(), () -> 0);
    recorder.invokeRead(1, "k");
    assertThrows(IllegalStateException.class, () -> recorder.invokeRead(1, "j"));
  }

  @Test
  void whenOperationIsCompletedTwice_thenRecorderRefuses() {
    HistoryRecorder recorder = new HistoryRecorder(new StringWriter(), () -> 0);
    RecordedOperation write = recorder.invokeWrite(1, "k", "a");
    write.ok();
    assertThrows(IllegalStateException.class, write::info);
  }

  @Test
  void whenCompletionDoesNotFitTheOperation_thenRecorderRefuses() {
    HistoryRecorder recorder = new HistoryRecorder(new StringWriter(), () -> 0);
    assertThrows(IllegalStateException.class, () -> recorder.invokeRead(1, "k").ok());
    assertThrows(IllegalStateException.class, () -> recorder.invokeWrite(2, "k", "a").okRead("a"));
  }

  @Test
  void whenManyThreadsRecord_thenHistoryIsWellFormedOrderedAndLinearizable() throws Exception {
    StringWriter out = new StringWriter();
    HistoryRecorder recorder = new HistoryRecorder(out, System::nanoTime);
    AtomicReference<String> register = new AtomicReference<>();
    int threads = 8;
    int operationsPerThread = 500;
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int process = t;
      clients.add(new Thread(() -> {
        for (int i = 0; i < operationsPerThread; i++) {
          if (i % 2 == 0) {
            RecordedOperation write = recorder.invokeWrite(process, "k", process + "-" + i);
            register.set(process + "-" + i);
            write.ok();
          } else {
            RecordedOperation read = recorder.invokeRead(process, "k");
            read.okRead(register.get());
          }
        }
      }));
    }
    clients.forEach(Thread::start);
    for (Thread client : clients) {
      client.join();
    }
    recorder.close();
    List<HistoryEvent> events = parse(out.toString());
    assertEquals(2 * threads * operationsPerThread, events.size());
    for (int i = 1; i < events.size(); i++) {
      assertTrue(events.get(i - 1).timeNanos() <= events.get(i).timeNanos(), "time order");
    }
    History history = HistoryReader.read(
        new BufferedReader(new StringReader(out.toString())), "threads");
    try (LinearizabilityChecker checker =
        new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(30)))) {
      assertEquals(Verdict.LINEARIZABLE, checker.check(history).verdict());
    }
  }
}
