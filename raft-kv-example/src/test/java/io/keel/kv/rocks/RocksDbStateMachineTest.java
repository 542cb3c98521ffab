package io.keel.kv.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvLimits;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvStore;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.session.ClientSession;
import io.keel.raft.session.SessionLimits;
import io.keel.raft.session.SessionStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB state machine against the map in memory: the same results for the same commands,
 * runs that survive a reopen only once flushed, with their applied index and session table, and
 * snapshots that restore exactly, by stream or by linked files, or are refused leaving the
 * database in use as it was.
 */
class RocksDbStateMachineTest {

  private static final KvLimits LIMITS = new KvLimits(64, 64, 8);
  private static final KvCodec CODEC = new KvCodec(LIMITS);

  @TempDir Path dir;
  private final RocksDbSettings settings = new RocksDbSettings(16 << 20, 4 << 20);
  private final List<RocksDbStateMachine> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(RocksDbStateMachine::close);
    settings.close();
  }

  private RocksDbStateMachine open(String name) throws IOException {
    RocksDbStateMachine machine = RocksDbStateMachine.open(dir.resolve(name), settings, LIMITS);
    opened.add(machine);
    return machine;
  }

  private RocksDbStateMachine reopen(RocksDbStateMachine machine, String name) throws IOException {
    machine.close();
    opened.remove(machine);
    return open(name);
  }

  private static byte[] b(String text) {
    return text.getBytes(UTF_8);
  }

  /** A random command over a few keys, every kind of command included. */
  private static KvCommand randomCommand(Random random, int i) {
    byte[] key = b("k" + random.nextInt(12));
    return switch (random.nextInt(8)) {
      case 0 -> new KvCommand.Set(key, b("v" + i), KvCommand.Condition.values()[random.nextInt(3)]);
      case 1 -> new KvCommand.Delete(List.of(key, b("k" + random.nextInt(12))));
      case 2 -> new KvCommand.IncrBy(key, random.nextInt(7) - 3);
      case 3 -> new KvCommand.Append(key, b("+" + i));
      case 4 -> new KvCommand.MultiSet(List.of(key, b("m" + random.nextInt(3))), List.of(b("x" + i), b("y")));
      case 5 -> new KvCommand.CompareAndSet(key, random.nextBoolean() ? null : b("v" + (i - 1)), b("c" + i));
      case 6 -> new KvCommand.Announce("n" + random.nextInt(3), "10.0.0." + i + ":6379", "");
      default -> new KvCommand.Set(key, new byte[random.nextInt(64)], KvCommand.Condition.ALWAYS);
    };
  }

  private static void assertSameState(KvStore expected, RocksDbStateMachine actual) {
    for (int k = 0; k < 12; k++) {
      assertArrayEquals(expected.get(b("k" + k)), actual.get(b("k" + k)), "key k" + k);
    }
    for (int m = 0; m < 3; m++) {
      assertArrayEquals(expected.get(b("m" + m)), actual.get(b("m" + m)), "key m" + m);
    }
    assertEquals(expected.size(), actual.size());
    assertEquals(expected.members(), actual.members());
  }

  @Test
  void every_command_means_what_it_means_in_memory_across_runs_and_reopens() throws IOException {
    Random random = new Random(11);
    KvStore memory = new KvStore(LIMITS);
    RocksDbStateMachine rocks = open("a");
    long index = 0;
    for (int run = 0; run < 60; run++) {
      for (int i = random.nextInt(20); i >= 0; i--) {
        byte[] command = CODEC.encode(randomCommand(random, (int) ++index));
        assertEquals(memory.apply(index, command), rocks.apply(index, command), "the result at index " + index);
      }
      rocks.flush(index);
      assertSameState(memory, rocks);
      if (run % 10 == 9) {
        rocks = reopen(rocks, "a");
        assertEquals(index, rocks.appliedIndex());
        assertSameState(memory, rocks);
      }
    }
  }

  @Test
  void a_run_not_flushed_is_lost_whole_and_the_index_says_where_to_resume() throws IOException {
    RocksDbStateMachine rocks = open("a");
    assertEquals(0, rocks.appliedIndex());
    rocks.apply(1, CODEC.encode(new KvCommand.Set(b("k"), b("1"), KvCommand.Condition.ALWAYS)));
    rocks.apply(2, CODEC.encode(new KvCommand.IncrBy(b("k"), 5)));
    assertNull(rocks.get(b("k")), "reads on other threads see only flushed runs");
    rocks.flush(3);
    assertArrayEquals(b("6"), rocks.get(b("k")));
    rocks.apply(4, CODEC.encode(new KvCommand.IncrBy(b("k"), 100)));
    rocks.apply(5, CODEC.encode(new KvCommand.Set(b("other"), b("x"), KvCommand.Condition.ALWAYS)));
    rocks = reopen(rocks, "a"); // as a crash before the flush: nothing of the run survives
    assertEquals(3, rocks.appliedIndex());
    assertArrayEquals(b("6"), rocks.get(b("k")));
    assertNull(rocks.get(b("other")));
    assertEquals(1, rocks.size());
  }

  @Test
  void the_session_table_is_kept_with_the_data_so_a_retry_after_a_restart_is_not_applied_again() throws IOException {
    SessionLimits limits = new SessionLimits(Duration.ofMinutes(5), 16, 8);
    RocksDbStateMachine rocks = open("a");
    SessionStateMachine<KvResult> machine = rocks.inSessions(limits);
    assertEquals(0, machine.appliedIndex());
    long[] clock = {1_000};
    ClientSession client = new ClientSession(42, () -> clock[0]);
    machine.apply(1, client.register());
    ClientSession.Command incr = client.command(CODEC.encode(new KvCommand.IncrBy(b("n"), 7)));
    assertEquals(new KvResult.Number(7), machine.apply(2, incr.encode()));
    machine.flush(2);
    rocks = reopen(rocks, "a");
    machine = rocks.inSessions(limits);
    assertEquals(2, machine.appliedIndex(), "reads the table back");
    assertEquals(1, machine.sessions());
    assertEquals(new KvResult.Number(7), machine.apply(3, incr.retry()), "answered from the kept result");
    assertArrayEquals(b("7"), rocks.get(b("n")));
    assertEquals(1, machine.duplicatesAnswered());
  }

  @Test
  void a_snapshot_restores_exactly_by_stream_and_by_linked_files_and_leaves_its_source_alone() throws IOException {
    Random random = new Random(5);
    KvStore memory = new KvStore(LIMITS);
    RocksDbStateMachine leader = open("leader");
    long index = 0;
    for (int i = 0; i < 400; i++) {
      byte[] command = CODEC.encode(randomCommand(random, (int) ++index));
      memory.apply(index, command);
      leader.apply(index, command);
    }
    leader.flush(index);
    RocksDbStateMachine byStream = open("by-stream");
    RocksDbStateMachine byFiles = open("by-files");
    byStream.apply(1, CODEC.encode(new KvCommand.Set(b("stale"), b("x"), KvCommand.Condition.ALWAYS)));
    byStream.flush(1);
    try (StateMachineSnapshot view = leader.snapshot()) {
      leader.apply(index + 1, CODEC.encode(new KvCommand.Set(b("k1"), b("after"), KvCommand.Condition.ALWAYS)));
      leader.flush(index + 1); // after the view: not in it
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      view.writeTo(archive);
      byStream.restore(index, new ByteArrayInputStream(archive.toByteArray()));
      assertTrue(byFiles.restoreFromDirectory(index, view.directory().orElseThrow()));
    }
    for (RocksDbStateMachine restored : List.of(byStream, byFiles)) {
      assertEquals(index, restored.appliedIndex());
      assertSameState(memory, restored);
      assertNull(restored.get(b("stale")));
    }
    assertArrayEquals(b("after"), leader.get(b("k1")), "the leader goes on from its own database");
    byFiles = reopen(byFiles, "by-files");
    assertEquals(index, byFiles.appliedIndex(), "the switch to the restored database is durable");
    assertSameState(memory, byFiles);
    try (var generations = Files.list(dir.resolve("by-files"))) {
      assertEquals(1, generations.filter(p -> p.getFileName().toString().startsWith("db-")).count(),
          "the replaced database is removed");
    }
  }

  @Test
  void a_snapshot_that_is_not_what_keel_says_is_refused_and_the_database_in_use_stays() throws IOException {
    RocksDbStateMachine leader = open("leader");
    leader.apply(1, CODEC.encode(new KvCommand.Set(b("k"), b("v"), KvCommand.Condition.ALWAYS)));
    leader.flush(1);
    RocksDbStateMachine follower = open("follower");
    follower.apply(1, CODEC.encode(new KvCommand.Set(b("mine"), b("1"), KvCommand.Condition.ALWAYS)));
    follower.flush(1);
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = leader.snapshot()) {
      view.writeTo(archive);
      IOException wrongIndex = assertThrows(IOException.class,
          () -> follower.restoreFromDirectory(9, view.directory().orElseThrow()));
      assertTrue(wrongIndex.getMessage().contains("holds index 1"), wrongIndex.getMessage());
    }
    byte[] bytes = archive.toByteArray();
    byte[] badMagic = bytes.clone();
    badMagic[0] = 'X';
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 2);
    for (byte[] damaged : List.of(badMagic, cut, trailing)) {
      assertThrows(IOException.class, () -> follower.restore(1, new ByteArrayInputStream(damaged)));
      assertArrayEquals(b("1"), follower.get(b("mine")), "a refused restore leaves the database in use");
    }
    RocksDbStateMachine again = reopen(follower, "follower");
    assertArrayEquals(b("1"), again.get(b("mine")));
  }
}
